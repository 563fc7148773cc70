import ControlPlane
import Testing

@Suite struct ControlPlaneIdentityTests {
    @Test func componentName() {
        #expect(ControlPlane.component == "node-agent-apiserver")
    }
}

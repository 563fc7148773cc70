// k8s.io/api/core/v1 (generated.proto): pod volumes and persistent volume claim specs. The
// in-tree cloud and legacy volume plugins (gcePersistentDisk, awsElasticBlockStore, rbd, cephfs,
// iscsi, …) are not listed: their fields are skipped as unknown.
extension ProtobufSchemas {
    static let coreVolumes: [String: ProtobufMessage] = [
        "Volume": [
            F(1, "name", .string, .kept),
            F(2, "volumeSource", .inline("VolumeSource")),
        ],
        "VolumeSource": [
            F(1, "hostPath", .message("HostPathVolumeSource")),
            F(2, "emptyDir", .message("EmptyDirVolumeSource")),
            F(6, "secret", .message("SecretVolumeSource")),
            F(7, "nfs", .message("NFSVolumeSource")),
            F(10, "persistentVolumeClaim", .message("PersistentVolumeClaimVolumeSource")),
            F(16, "downwardAPI", .message("DownwardAPIVolumeSource")),
            F(19, "configMap", .message("ConfigMapVolumeSource")),
            F(26, "projected", .message("ProjectedVolumeSource")),
            F(28, "csi", .message("CSIVolumeSource")),
            F(29, "ephemeral", .message("EphemeralVolumeSource")),
            F(30, "image", .message("ImageVolumeSource")),
        ],
        "HostPathVolumeSource": [
            F(1, "path", .string, .kept),
            F(2, "type", .string, .kept),
        ],
        "EmptyDirVolumeSource": [
            F(1, "medium", .string),
            F(2, "sizeLimit", .quantity),
        ],
        "SecretVolumeSource": [
            F(1, "secretName", .string),
            F(2, "items", .repeated(.message("KeyToPath"))),
            F(3, "defaultMode", .int32, .kept),
            F(4, "optional", .bool, .kept),
        ],
        "KeyToPath": [
            F(1, "key", .string, .kept),
            F(2, "path", .string, .kept),
            F(3, "mode", .int32, .kept),
        ],
        "NFSVolumeSource": [
            F(1, "server", .string, .kept),
            F(2, "path", .string, .kept),
            F(3, "readOnly", .bool),
        ],
        "PersistentVolumeClaimVolumeSource": [
            F(1, "claimName", .string, .kept),
            F(2, "readOnly", .bool),
        ],
        "DownwardAPIVolumeSource": [
            F(1, "items", .repeated(.message("DownwardAPIVolumeFile"))),
            F(2, "defaultMode", .int32, .kept),
        ],
        "DownwardAPIVolumeFile": [
            F(1, "path", .string, .kept),
            F(2, "fieldRef", .message("ObjectFieldSelector")),
            F(3, "resourceFieldRef", .message("ResourceFieldSelector")),
            F(4, "mode", .int32, .kept),
        ],
        "ConfigMapVolumeSource": [
            F(1, "localObjectReference", .inline("LocalObjectReference")),
            F(2, "items", .repeated(.message("KeyToPath"))),
            F(3, "defaultMode", .int32, .kept),
            F(4, "optional", .bool, .kept),
        ],
        "ProjectedVolumeSource": [
            F(1, "sources", .repeated(.message("VolumeProjection"))),
            F(2, "defaultMode", .int32, .kept),
        ],
        "VolumeProjection": [
            F(1, "secret", .message("SecretProjection")),
            F(2, "downwardAPI", .message("DownwardAPIProjection")),
            F(3, "configMap", .message("ConfigMapProjection")),
            F(4, "serviceAccountToken", .message("ServiceAccountTokenProjection")),
            F(5, "clusterTrustBundle", .message("ClusterTrustBundleProjection")),
        ],
        "SecretProjection": projection,
        "ConfigMapProjection": projection,
        "DownwardAPIProjection": [
            F(1, "items", .repeated(.message("DownwardAPIVolumeFile"))),
        ],
        "ServiceAccountTokenProjection": [
            F(1, "audience", .string),
            F(2, "expirationSeconds", .int64, .kept),
            F(3, "path", .string, .kept),
        ],
        "ClusterTrustBundleProjection": [
            F(1, "name", .string, .kept),
            F(2, "signerName", .string, .kept),
            F(3, "labelSelector", .message("LabelSelector")),
            F(5, "optional", .bool, .kept),
            F(4, "path", .string, .kept),
        ],
        "CSIVolumeSource": [
            F(1, "driver", .string, .kept),
            F(2, "readOnly", .bool, .kept),
            F(3, "fsType", .string, .kept),
            F(4, "volumeAttributes", .map(.string)),
            F(5, "nodePublishSecretRef", .message("LocalObjectReference")),
        ],
        "EphemeralVolumeSource": [
            F(1, "volumeClaimTemplate", .message("PersistentVolumeClaimTemplate")),
        ],
        "PersistentVolumeClaimTemplate": [
            F(1, "metadata", .message("ObjectMeta")),
            F(2, "spec", .message("PersistentVolumeClaimSpec")),
        ],
        "ImageVolumeSource": [
            F(1, "reference", .string),
            F(2, "pullPolicy", .string),
        ],
        "PersistentVolumeClaimSpec": [
            F(1, "accessModes", .repeated(.string)),
            F(4, "selector", .message("LabelSelector")),
            F(2, "resources", .message("VolumeResourceRequirements")),
            F(3, "volumeName", .string),
            F(5, "storageClassName", .string, .kept),
            F(6, "volumeMode", .string, .kept),
            F(7, "dataSource", .message("TypedLocalObjectReference")),
            F(8, "dataSourceRef", .message("TypedObjectReference")),
            F(9, "volumeAttributesClassName", .string, .kept),
        ],
        "VolumeResourceRequirements": [
            F(1, "limits", .map(.quantity)),
            F(2, "requests", .map(.quantity)),
        ],
        "TypedLocalObjectReference": [
            F(1, "apiGroup", .string, .kept),
            F(2, "kind", .string, .kept),
            F(3, "name", .string, .kept),
        ],
        "TypedObjectReference": [
            F(1, "apiGroup", .string, .kept),
            F(2, "kind", .string, .kept),
            F(3, "name", .string, .kept),
            F(4, "namespace", .string, .kept),
        ],
    ]

    /// SecretProjection and ConfigMapProjection.
    private static let projection: ProtobufMessage = [
        F(1, "localObjectReference", .inline("LocalObjectReference")),
        F(2, "items", .repeated(.message("KeyToPath"))),
        F(4, "optional", .bool, .kept),
    ]
}

// glibc's allocator controls (mallopt), which the Glibc module leaves out.
#include <malloc.h>

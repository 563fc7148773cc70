// mimalloc, linked so that it replaces glibc's malloc for the whole process (see Heap.swift).
#include <mimalloc.h>

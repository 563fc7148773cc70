#ifndef NODE_AGENT_CLIBUV_SHIM_H
#define NODE_AGENT_CLIBUV_SHIM_H
#include <uv.h>
#include <signal.h>
#include <pthread.h>

// libuv's handle "subclasses" share a prefix with uv_handle_t / uv_stream_t; Swift can't upcast them.
static inline uv_handle_t *cuv_handle(void *handle) { return (uv_handle_t *)handle; }
static inline uv_stream_t *cuv_stream(void *handle) { return (uv_stream_t *)handle; }

// pthread_setname_np is a GNU extension, hidden without _GNU_SOURCE; defining _GNU_SOURCE here would make
// sys/select.h import differently from SwiftGlibc's view of it, so declare the one function instead.
extern int pthread_setname_np(pthread_t thread, const char *name);
static inline void cuv_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }
#endif

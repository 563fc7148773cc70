#ifndef NODE_AGENT_CLIBUV_SHIM_H
#define NODE_AGENT_CLIBUV_SHIM_H
// Every C module defines _GNU_SOURCE so shared system headers (sys/select.h) import identically.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <uv.h>
#include <signal.h>
#include <pthread.h>

// libuv's handle "subclasses" share a prefix with uv_handle_t / uv_stream_t; Swift can't upcast them.
static inline uv_handle_t *cuv_handle(void *handle) { return (uv_handle_t *)handle; }
static inline uv_stream_t *cuv_stream(void *handle) { return (uv_stream_t *)handle; }

// pthread_setname_np is a GNU extension that Glibc's Swift overlay does not expose.
static inline void cuv_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }
#endif

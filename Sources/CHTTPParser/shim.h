#ifndef NODE_AGENT_CHTTPPARSER_SHIM_H
#define NODE_AGENT_CHTTPPARSER_SHIM_H
#include <http_parser.h>

// Bit-fields and macros are not reliably importable; read them through typed accessors.
static inline unsigned int chp_errno(const http_parser *p) { return HTTP_PARSER_ERRNO(p); }
static inline unsigned int chp_method(const http_parser *p) { return p->method; }
static inline unsigned int chp_upgrade(const http_parser *p) { return p->upgrade; }
static inline unsigned short chp_http_major(const http_parser *p) { return p->http_major; }
static inline unsigned short chp_http_minor(const http_parser *p) { return p->http_minor; }
static inline unsigned int chp_flags(const http_parser *p) { return p->flags; }
static inline int chp_is_chunked(const http_parser *p) { return (p->flags & F_CHUNKED) != 0; }
static inline unsigned int chp_status_code(const http_parser *p) { return p->status_code; }
static inline uint64_t chp_content_length(const http_parser *p) { return p->content_length; }
static inline void chp_set_data(http_parser *p, void *data) { p->data = data; }
static inline void *chp_data(const http_parser *p) { return p->data; }
#endif

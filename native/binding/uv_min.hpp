// The few libuv calls the io_uring read needs, declared here: the addon builds against
// node-api-headers, which ship no uv.h. Handles are allocated with uv_handle_size() rather than
// sizeof(uv_poll_t), so nothing depends on libuv's struct layouts — only on its 1.x ABI (function
// signatures and the handle-type numbers, stable since libuv 1.0; uv_handle_size and the
// get/set_data accessors since 1.19, Node ≥ 10).
#pragma once
#include <cstddef>
#include <cstdint>

extern "C" {
struct uv_loop_s;
struct uv_handle_s;
typedef void (*uv_close_cb)(uv_handle_s*);
typedef void (*uv_poll_cb)(uv_handle_s*, int status, int events);
typedef void (*uv_timer_cb)(uv_handle_s*);
size_t uv_handle_size(int type);
void* uv_handle_get_data(const uv_handle_s* handle);
void uv_handle_set_data(uv_handle_s* handle, void* data);
void uv_close(uv_handle_s* handle, uv_close_cb cb);
void uv_ref(uv_handle_s* handle);
void uv_unref(uv_handle_s* handle);
int uv_poll_init(uv_loop_s* loop, uv_handle_s* handle, int fd);
int uv_poll_start(uv_handle_s* handle, int events, uv_poll_cb cb);
int uv_poll_stop(uv_handle_s* handle);
int uv_timer_init(uv_loop_s* loop, uv_handle_s* handle);
int uv_timer_start(uv_handle_s* handle, uv_timer_cb cb, uint64_t timeoutMs, uint64_t repeatMs);
int uv_timer_stop(uv_handle_s* handle);
}

namespace zb::uv {
constexpr int kPoll = 8;       // UV_POLL
constexpr int kTimer = 13;     // UV_TIMER
constexpr int kReadable = 1;   // UV_READABLE
}  // namespace zb::uv

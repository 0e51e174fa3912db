// sendmmsg(2) for the media port's own batched sends (SFU's DatagramBatch).
// Swift's Glibc module is built without _GNU_SOURCE, so it has neither
// struct mmsghdr nor sendmmsg: this header declares a struct of the same
// layout (checked in shim.c) and a wrapper compiled with _GNU_SOURCE.
#pragma once
#include <sys/socket.h>

typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} parley_mmsghdr;

/// sendmmsg(2): returns how many messages were sent, or -1 with errno.
int parley_sendmmsg(int fd, parley_mmsghdr *messages, unsigned int count, int flags);

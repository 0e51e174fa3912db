// sendmmsg(2) for the media port's own batched sends (SFU's DatagramBatch).
// Swift's Glibc module is built without _GNU_SOURCE, so it has neither
// struct mmsghdr nor sendmmsg: this header declares a struct of the same
// layout (checked in shim.c) and a wrapper compiled with _GNU_SOURCE.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} parley_mmsghdr;

/// sendmmsg(2): returns how many messages were sent, or -1 with errno.
int parley_sendmmsg(int fd, parley_mmsghdr *messages, unsigned int count, int flags);

/// Bytes of ancillary data one UDP_SEGMENT control message takes (CMSG_SPACE of a uint16_t).
size_t parley_udp_segment_control_size(void);

/// Writes a UDP_SEGMENT control message (generic segmentation offload,
/// Linux 4.18+) asking the kernel to cut the message's payload into
/// datagrams of `segment` bytes, the last one possibly shorter, into
/// `control` (at least parley_udp_segment_control_size() bytes, aligned
/// for struct cmsghdr); returns the length to put in msg_controllen.
size_t parley_write_udp_segment_control(void *control, uint16_t segment);

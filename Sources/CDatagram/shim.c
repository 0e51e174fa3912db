#define _GNU_SOURCE 1
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "CDatagram.h"

// From linux/udp.h, which glibc's headers do not include.
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

_Static_assert(sizeof(parley_mmsghdr) == sizeof(struct mmsghdr), "parley_mmsghdr and struct mmsghdr differ in size");

int parley_sendmmsg(int fd, parley_mmsghdr *messages, unsigned int count, int flags) {
    return sendmmsg(fd, (struct mmsghdr *)messages, count, flags);
}

size_t parley_udp_segment_control_size(void) {
    return CMSG_SPACE(sizeof(uint16_t));
}

size_t parley_write_udp_segment_control(void *control, uint16_t segment) {
    memset(control, 0, CMSG_SPACE(sizeof(uint16_t)));
    struct cmsghdr *header = (struct cmsghdr *)control;
    header->cmsg_level = SOL_UDP;
    header->cmsg_type = UDP_SEGMENT;
    header->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    memcpy(CMSG_DATA(header), &segment, sizeof(segment));
    return CMSG_SPACE(sizeof(uint16_t));
}

#define _GNU_SOURCE 1
#include <sys/socket.h>
#include "CDatagram.h"

_Static_assert(sizeof(parley_mmsghdr) == sizeof(struct mmsghdr), "parley_mmsghdr and struct mmsghdr differ in size");

int parley_sendmmsg(int fd, parley_mmsghdr *messages, unsigned int count, int flags) {
    return sendmmsg(fd, (struct mmsghdr *)messages, count, flags);
}

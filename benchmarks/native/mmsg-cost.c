/*
 * What a datagram costs in system calls on this machine: sendto + recvfrom per datagram against sendmmsg +
 * recvmmsg of BATCH datagrams; 800-byte datagrams on loopback; CPU time (user + system) of this process per
 * datagram sent and received. docs/benchmarks.md, "Datagrams in batches".
 *
 *   gcc -O2 -o /tmp/mmsg-cost benchmarks/native/mmsg-cost.c && for b in 1 8 1 8; do /tmp/mmsg-cost $b; done
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define DATAGRAMS 400000
#define LENGTH 800
#define MAX_BATCH 64

static double cpu_seconds(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    const int batch = argc > 1 ? atoi(argv[1]) : 8;
    if (batch < 1 || batch > MAX_BATCH)
    {
        fprintf(stderr, "batch: 1 to %d\n", MAX_BATCH);
        return 2;
    }

    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(45999)};
    to.sin_addr.s_addr = inet_addr("127.0.0.1");
    const int receiver = socket(AF_INET, SOCK_DGRAM, 0);
    int buffer_bytes = 64 << 20;
    setsockopt(receiver, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
    if (bind(receiver, (struct sockaddr *)&to, sizeof to) != 0)
    {
        perror("bind 127.0.0.1:45999");
        return 1;
    }
    const int sender = socket(AF_INET, SOCK_DGRAM, 0);

    static char payload[LENGTH];
    static char received[MAX_BATCH][2048];
    struct mmsghdr messages[MAX_BATCH];
    struct iovec vectors[MAX_BATCH];
    memset(payload, 'x', sizeof payload);

    const double start = cpu_seconds();
    long sent = 0;
    long read = 0;
    while (sent < DATAGRAMS)
    {
        if (batch == 1)
        {
            for (int i = 0; i < 8; i++, sent++)
            {
                sendto(sender, payload, LENGTH, 0, (struct sockaddr *)&to, sizeof to);
            }
            while (recvfrom(receiver, received[0], sizeof received[0], MSG_DONTWAIT, NULL, NULL) >= 0)
            {
                read++;
            }
            continue;
        }

        memset(messages, 0, sizeof messages);
        for (int i = 0; i < batch; i++)
        {
            vectors[i] = (struct iovec){.iov_base = payload, .iov_len = LENGTH};
            messages[i].msg_hdr.msg_name = &to;
            messages[i].msg_hdr.msg_namelen = sizeof to;
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        sent += sendmmsg(sender, messages, batch, 0);

        memset(messages, 0, sizeof messages);
        for (int i = 0; i < MAX_BATCH; i++)
        {
            vectors[i] = (struct iovec){.iov_base = received[i], .iov_len = sizeof received[i]};
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int count;
        while ((count = recvmmsg(receiver, messages, MAX_BATCH, MSG_DONTWAIT, NULL)) > 0)
        {
            read += count;
        }
    }
    printf("batch %d: %.2f us CPU per datagram (sent %ld, received %ld)\n", batch,
        (cpu_seconds() - start) * 1e6 / sent, sent, read);
    return 0;
}

/*
 * mock-broker: librdkafka's in-process mock cluster (1 broker) as a stand-alone
 * Kafka endpoint, the "reference (b)" of the Skiff benchmark.
 *
 * Build:
 *   gcc -O2 -o bench/bin/mock-broker bench/mock-broker.c $(pkg-config --cflags --libs rdkafka)
 *
 * Usage: mock-broker [TOPIC:PARTITIONS ...]
 *   Creates the topics (the mock cluster has no CreateTopics API), prints the
 *   bootstrap address on one stdout line, and runs until SIGTERM/SIGINT.
 *   Everything produced stays in memory.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stop_flag = 0;
static void on_signal(int sig) {
        (void)sig;
        stop_flag = 1;
}

int main(int argc, char **argv) {
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        /* the handle only hosts the mock cluster; it never connects */
        if (rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err)))
                fprintf(stderr, "mock-broker: %s\n", err);
        rd_kafka_t *rk =
            rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "mock-broker: %s\n", err);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 1);
        if (!mc) {
                fprintf(stderr, "mock-broker: cannot create mock cluster\n");
                return 1;
        }
        for (int i = 1; i < argc; i++) {
                char name[256];
                int parts = 1;
                snprintf(name, sizeof(name), "%s", argv[i]);
                char *colon = strrchr(name, ':');
                if (colon) {
                        *colon = '\0';
                        parts  = atoi(colon + 1);
                }
                if (parts < 1 ||
                    rd_kafka_mock_topic_create(mc, name, parts, 1)) {
                        fprintf(stderr, "mock-broker: cannot create %s\n",
                                argv[i]);
                        return 1;
                }
        }
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
        printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);
        while (!stop_flag)
                usleep(100000);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}

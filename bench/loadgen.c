/*
 * loadgen: a small Kafka load generator on librdkafka for the Skiff benchmark.
 *
 * Build:
 *   gcc -O2 -o bench/bin/loadgen bench/loadgen.c $(pkg-config --cflags --libs rdkafka) -lpthread
 *
 * Modes:
 *   loadgen produce -b HOST:PORT -t TOPIC [-p N] [-s BYTES] [-n COUNT | -d SECONDS]
 *                   [--rate MB/s] [--create] [--linger MS] [--batch-bytes N] ...
 *   loadgen consume -b HOST:PORT -t TOPIC [-n COUNT] [--idle-ms MS]
 *   loadgen e2e     -b HOST:PORT -t TOPIC [-p N] [-s BYTES] -d SECONDS --rate MB/s
 *
 * SASL OAUTHBEARER with an MSK IAM token (Skiff's IAM listener): set the env var
 * LOADGEN_OAUTHBEARER_TOKEN_FILE to a file holding a token minted by aws-msk-iam-sasl-signer-js
 * (bench/iam.ts does) and pass -X security.protocol=sasl_ssl -X sasl.mechanisms=OAUTHBEARER
 * -X ssl.ca.location=CA. The file is read again at every token refresh.
 *
 * One JSON object per run on stdout, one human-readable line on stderr.
 * MB means 10^6 bytes; sizes count record values only (no key, no headers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

/* ------------------------------------------------------------------ time */

static uint64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_until_ns(uint64_t t) {
        struct timespec ts = {.tv_sec = (time_t)(t / 1000000000ull),
                              .tv_nsec = (long)(t % 1000000000ull)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
               EINTR)
                ;
}

/* ------------------------------------------------------------- histogram */
/*
 * Log-linear histogram of nanosecond values: exact below 64, then 64
 * sub-buckets per power of two (relative error under 1.6%).
 */
#define H_SUB_BITS 6
#define H_SUB (1 << H_SUB_BITS)
#define H_BUCKETS (59 * H_SUB)

typedef struct {
        uint64_t counts[H_BUCKETS];
        uint64_t n;
        uint64_t max;
        double sum;
} hist_t;

static int hist_index(uint64_t v) {
        if (v < H_SUB)
                return (int)v;
        int msb   = 63 - __builtin_clzll(v);
        int shift = msb - H_SUB_BITS;
        int sub   = (int)((v >> shift) & (H_SUB - 1));
        return (shift + 1) * H_SUB + sub;
}

/* midpoint of a bucket */
static double hist_value(int i) {
        if (i < H_SUB)
                return (double)i;
        int shift    = i / H_SUB - 1;
        int sub      = i % H_SUB;
        uint64_t lo  = ((uint64_t)(H_SUB + sub)) << shift;
        uint64_t wid = 1ull << shift;
        return (double)lo + (double)(wid - 1) / 2.0;
}

static void hist_add(hist_t *h, uint64_t v) {
        h->counts[hist_index(v)]++;
        h->n++;
        h->sum += (double)v;
        if (v > h->max)
                h->max = v;
}

static double hist_pct(const hist_t *h, double p) {
        if (h->n == 0)
                return 0;
        uint64_t rank = (uint64_t)(p * (double)h->n + 0.999999);
        if (rank < 1)
                rank = 1;
        uint64_t c = 0;
        for (int i = 0; i < H_BUCKETS; i++) {
                c += h->counts[i];
                if (c >= rank) {
                        double v = hist_value(i);
                        return v > (double)h->max ? (double)h->max : v;
                }
        }
        return (double)h->max;
}

/* appends `"name":{...}` (latencies in ms) to buf */
static void hist_json(char *buf, size_t sz, const char *name,
                      const hist_t *h) {
        size_t l = strlen(buf);
        if (h->n == 0) { /* no samples: no figures */
                snprintf(buf + l, sz - l, "\"%s\":{\"n\":0}", name);
                return;
        }
        snprintf(buf + l, sz - l,
                 "\"%s\":{\"n\":%" PRIu64
                 ",\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f,"
                 "\"mean\":%.3f}",
                 name, h->n, hist_pct(h, 0.50) / 1e6, hist_pct(h, 0.99) / 1e6,
                 hist_pct(h, 0.999) / 1e6, (double)h->max / 1e6,
                 h->n ? h->sum / (double)h->n / 1e6 : 0.0);
}

/* ----------------------------------------------------------------- config */

#define MAX_X 64

static struct {
        const char *mode;
        const char *bootstrap;
        const char *topic;
        const char *label;
        int partitions; /* 0: from metadata */
        int size;
        int64_t count; /* 0: unlimited */
        double duration_s; /* 0: unlimited */
        double rate_mbps;  /* 0: as fast as possible */
        double linger_ms;
        int batch_bytes;
        int batch_msgs;
        int create;
        int idle_ms;
        int start_timeout_ms;
        double warmup_s;
        int verbose;
        const char *xprops[MAX_X]; /* -X: every client */
        int xcnt;
        const char *yprops[MAX_X]; /* -Y: consumers only */
        int ycnt;
} cfg = {
    .size             = 1024,
    .linger_ms        = 5,
    .batch_bytes      = 1048576,
    .batch_msgs       = 1000000,
    .idle_ms          = 5000,
    .start_timeout_ms = 30000,
    .warmup_s         = -1,
};

static volatile sig_atomic_t stop_flag = 0;
static void on_signal(int sig) {
        (void)sig;
        stop_flag = 1;
}

static void die(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "loadgen: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
        /* a machine-readable failure line too */
        printf("{\"mode\":\"%s\",\"ok\":false}\n", cfg.mode ? cfg.mode : "?");
        fflush(stdout);
        exit(1);
}

static void conf_set(rd_kafka_conf_t *conf, const char *k, const char *v) {
        char err[512];
        if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) !=
            RD_KAFKA_CONF_OK)
                die("config %s=%s: %s", k, v, err);
}

static void conf_set_int(rd_kafka_conf_t *conf, const char *k, long long v) {
        char s[32];
        snprintf(s, sizeof(s), "%lld", v);
        conf_set(conf, k, s);
}

static void apply_props(rd_kafka_conf_t *conf, const char **props, int cnt) {
        for (int i = 0; i < cnt; i++) {
                char kv[1024];
                snprintf(kv, sizeof(kv), "%s", props[i]);
                char *eq = strchr(kv, '=');
                if (!eq)
                        die("-X expects key=value, got %s", kv);
                *eq = '\0';
                conf_set(conf, kv, eq + 1);
        }
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf) {
        (void)rk;
        /* AUTOCREATE: a note that old Metadata versions cannot say
         * "don't auto-create"; harmless here */
        if (cfg.verbose || level <= 3 ||
            (level == 4 && strcmp(fac, "AUTOCREATE")))
                fprintf(stderr, "loadgen: rdkafka %s: %s\n", fac, buf);
}

/* OAUTHBEARER token refresh: hands librdkafka the token in LOADGEN_OAUTHBEARER_TOKEN_FILE.
 * The lifetime given is 60 s so that librdkafka re-reads the file well before a 15-minute
 * MSK IAM token expires. */
static void oauthbearer_refresh_cb(rd_kafka_t *rk, const char *config,
                                   void *opaque) {
        (void)config;
        (void)opaque;
        const char *path = getenv("LOADGEN_OAUTHBEARER_TOKEN_FILE");
        char token[8192], err[512];
        FILE *f = path ? fopen(path, "r") : NULL;
        size_t n = f ? fread(token, 1, sizeof(token) - 1, f) : 0;
        if (f)
                fclose(f);
        while (n > 0 && (token[n - 1] == '\n' || token[n - 1] == '\r' ||
                         token[n - 1] == ' '))
                n--;
        token[n] = '\0';
        if (n == 0) {
                rd_kafka_oauthbearer_set_token_failure(
                    rk, "LOADGEN_OAUTHBEARER_TOKEN_FILE is unset, unreadable or empty");
                return;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t lifetime_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 60000;
        if (rd_kafka_oauthbearer_set_token(rk, token, lifetime_ms, "skiff-bench",
                                           NULL, 0, err, sizeof(err)) !=
            RD_KAFKA_RESP_ERR_NO_ERROR)
                rd_kafka_oauthbearer_set_token_failure(rk, err);
}

/* After rd_kafka_new(): token refreshes run on librdkafka's background
 * thread, so they do not wait for the next poll (CreateTopics runs first). */
static void enable_oauthbearer(rd_kafka_t *rk) {
        if (!getenv("LOADGEN_OAUTHBEARER_TOKEN_FILE"))
                return;
        rd_kafka_error_t *error = rd_kafka_sasl_background_callbacks_enable(rk);
        if (error) {
                fprintf(stderr, "loadgen: %s\n", rd_kafka_error_string(error));
                rd_kafka_error_destroy(error);
        }
}

static rd_kafka_conf_t *base_conf(void) {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        conf_set(conf, "bootstrap.servers", cfg.bootstrap);
        conf_set(conf, "client.id", "skiff-bench");
        conf_set(conf, "socket.nagle.disable", "true");
        conf_set(conf, "api.version.request", "true");
        /* topics are made by --create only, never by a Metadata request */
        conf_set(conf, "allow.auto.create.topics", "false");
        rd_kafka_conf_set_log_cb(conf, log_cb);
        if (getenv("LOADGEN_OAUTHBEARER_TOKEN_FILE")) {
                rd_kafka_conf_set_oauthbearer_token_refresh_cb(
                    conf, oauthbearer_refresh_cb);
                rd_kafka_conf_enable_sasl_queue(conf, 1);
        }
        return conf;
}

/* ------------------------------------------------------------ topic admin */

static int topic_partition_count(rd_kafka_t *rk, int timeout_ms) {
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, cfg.topic, NULL);
        const struct rd_kafka_metadata *md = NULL;
        int cnt = -1;
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
        if (!err && md->topic_cnt == 1 && !md->topics[0].err) {
                cnt = md->topics[0].partition_cnt;
                for (int i = 0; i < md->topics[0].partition_cnt; i++)
                        if (md->topics[0].partitions[i].leader < 0)
                                cnt = -1; /* not ready yet */
        }
        if (md)
                rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
        return cnt;
}

/* waits until the topic is visible with at least `want` partitions */
static int wait_topic(rd_kafka_t *rk, int want, int timeout_ms) {
        uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000ull;
        int cnt;
        do {
                cnt = topic_partition_count(rk, 5000);
                if (cnt > 0 && cnt >= want)
                        return cnt;
                rd_kafka_poll(rk, 100);
        } while (now_ns() < end && !stop_flag);
        return cnt;
}

static void create_topic(rd_kafka_t *rk) {
        char err[512];
        int parts = cfg.partitions > 0 ? cfg.partitions : 1;
        /* already there (e.g. made by mock-broker, which has no
         * CreateTopics)? then there is nothing to do */
        int have = topic_partition_count(rk, 5000);
        if (have >= parts)
                return;
        if (have > 0)
                fprintf(stderr,
                        "loadgen: topic %s exists with %d partitions < %d\n",
                        cfg.topic, have, parts);
        rd_kafka_NewTopic_t *nt =
            rd_kafka_NewTopic_new(cfg.topic, parts, 1, err, sizeof(err));
        if (!nt)
                die("NewTopic: %s", err);
        rd_kafka_AdminOptions_t *opts =
            rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        rd_kafka_AdminOptions_set_operation_timeout(opts, 15000, err,
                                                    sizeof(err));
        rd_kafka_AdminOptions_set_request_timeout(opts, 20000, err,
                                                  sizeof(err));
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
        rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
        if (!ev) {
                die("CreateTopics %s: timed out", cfg.topic);
        } else if (rd_kafka_event_error(ev)) {
                /* the topic is not there (checked above): no use waiting */
                die("CreateTopics %s: %s", cfg.topic,
                    rd_kafka_event_error_string(ev));
        } else {
                const rd_kafka_CreateTopics_result_t *res =
                    rd_kafka_event_CreateTopics_result(ev);
                size_t n;
                const rd_kafka_topic_result_t **tr =
                    rd_kafka_CreateTopics_result_topics(res, &n);
                for (size_t i = 0; i < n; i++) {
                        rd_kafka_resp_err_t e = rd_kafka_topic_result_error(tr[i]);
                        if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                                die("CreateTopics %s: %s",
                                    rd_kafka_topic_result_name(tr[i]),
                                    rd_kafka_topic_result_error_string(tr[i])
                                        ? rd_kafka_topic_result_error_string(tr[i])
                                        : rd_kafka_err2str(e));
                }
        }
        if (ev)
                rd_kafka_event_destroy(ev);
        rd_kafka_queue_destroy(q);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_NewTopic_destroy(nt);
}

/* --------------------------------------------------------------- producer */

typedef struct {
        hist_t lat; /* enqueue -> delivery report */
        uint64_t delivered;
        uint64_t delivered_bytes;
        uint64_t errors;
        uint64_t warmup_until; /* enqueue times before this are not sampled */
        uint64_t last_dr;
        char first_error[256];
} prod_stats_t;

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m,
                      void *opaque) {
        (void)rk;
        prod_stats_t *st = opaque;
        uint64_t now     = now_ns();
        uint64_t t0      = (uint64_t)(uintptr_t)m->_private;
        st->last_dr      = now;
        if (m->err) {
                if (st->errors++ == 0)
                        snprintf(st->first_error, sizeof(st->first_error), "%s",
                                 rd_kafka_err2str(m->err));
                return;
        }
        st->delivered++;
        st->delivered_bytes += m->len;
        if (t0 >= st->warmup_until)
                hist_add(&st->lat, now - t0);
}

static rd_kafka_t *new_producer(prod_stats_t *st) {
        char err[512];
        rd_kafka_conf_t *conf = base_conf();
        conf_set(conf, "acks", "-1");
        conf_set(conf, "enable.idempotence", "false");
        conf_set(conf, "compression.codec", "none");
        char s[32];
        snprintf(s, sizeof(s), "%g", cfg.linger_ms);
        conf_set(conf, "linger.ms", s);
        conf_set_int(conf, "batch.size", cfg.batch_bytes);
        conf_set_int(conf, "batch.num.messages", cfg.batch_msgs);
        /* a MessageSet is also capped by message.max.bytes */
        conf_set_int(conf, "message.max.bytes",
                     cfg.batch_bytes + cfg.size + 65536 > 1000000
                         ? cfg.batch_bytes + cfg.size + 65536
                         : 1000000);
        /* bound the local backlog so that a slow broker does not turn the
         * end-of-run flush into minutes */
        conf_set(conf, "queue.buffering.max.kbytes", "131072");
        conf_set(conf, "queue.buffering.max.messages", "1000000");
        conf_set(conf, "message.timeout.ms", "60000");
        rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
        rd_kafka_conf_set_opaque(conf, st);
        apply_props(conf, cfg.xprops, cfg.xcnt);
        rd_kafka_t *rk =
            rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!rk)
                die("producer: %s", err);
        enable_oauthbearer(rk);
        return rk;
}

typedef struct {
        uint64_t sent;
        uint64_t sent_bytes;
        uint64_t start;     /* first enqueue */
        uint64_t end_enq;   /* last enqueue */
        uint64_t queue_full;
        uint64_t lag_max_ns; /* rate mode: how far behind schedule we got */
} prod_run_t;

/*
 * Produces until count/duration; round-robin over partitions; paced by the
 * clock when a rate is given. If `stamp` the payload starts with the
 * monotonic enqueue time (8 bytes) for end-to-end latency.
 */
static void produce_loop(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int parts,
                         int stamp, prod_run_t *run) {
        char *payload = malloc((size_t)cfg.size + 16);
        for (int i = 0; i < cfg.size + 16; i++)
                payload[i] = (char)('a' + (i * 7) % 26);

        double interval_ns =
            cfg.rate_mbps > 0 ? (double)cfg.size * 1e9 / (cfg.rate_mbps * 1e6)
                              : 0;
        uint64_t start = now_ns();
        uint64_t end   = cfg.duration_s > 0
                             ? start + (uint64_t)(cfg.duration_s * 1e9)
                             : UINT64_MAX;
        int part       = 0;
        run->start     = start;

        while (!stop_flag) {
                uint64_t now = now_ns();
                if (now >= end)
                        break;
                if (cfg.count > 0 && run->sent >= (uint64_t)cfg.count)
                        break;
                if (interval_ns > 0) {
                        uint64_t due =
                            start + (uint64_t)((double)run->sent * interval_ns);
                        if (now < due) {
                                rd_kafka_poll(rk, 0);
                                uint64_t until = due;
                                if (until > now + 1000000)
                                        until = now + 1000000;
                                sleep_until_ns(until);
                                continue;
                        }
                        if (now - due > run->lag_max_ns)
                                run->lag_max_ns = now - due;
                }
                if (stamp && cfg.size >= 16) {
                        memcpy(payload, &now, 8);
                        memcpy(payload + 8, &run->sent, 8);
                }
                if (rd_kafka_produce(rkt, part, RD_KAFKA_MSG_F_COPY, payload,
                                     (size_t)cfg.size, NULL, 0,
                                     (void *)(uintptr_t)now) == -1) {
                        rd_kafka_resp_err_t e = rd_kafka_last_error();
                        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                run->queue_full++;
                                rd_kafka_poll(rk, 1);
                                continue;
                        }
                        die("produce: %s", rd_kafka_err2str(e));
                }
                run->sent++;
                run->sent_bytes += (uint64_t)cfg.size;
                run->end_enq = now;
                if (++part >= parts)
                        part = 0;
                if ((run->sent & 63) == 0)
                        rd_kafka_poll(rk, 0);
        }
        free(payload);
}

static int flush_all(rd_kafka_t *rk, int timeout_ms) {
        rd_kafka_resp_err_t e = rd_kafka_flush(rk, timeout_ms);
        if (e) {
                fprintf(stderr,
                        "loadgen: flush: %s, %d messages still queued\n",
                        rd_kafka_err2str(e), rd_kafka_outq_len(rk));
                return -1;
        }
        return 0;
}

static void print_common(char *j, size_t sz) {
        snprintf(j, sz,
                 "{\"mode\":\"%s\",\"librdkafka\":\"%s\",\"label\":\"%s\","
                 "\"topic\":\"%s\",\"partitions\":%d,\"record_size\":%d,",
                 cfg.mode, rd_kafka_version_str(), cfg.label ? cfg.label : "",
                 cfg.topic,
                 cfg.partitions, cfg.size);
}

static int cmd_produce(void) {
        prod_stats_t *st = calloc(1, sizeof(*st));
        rd_kafka_t *rk   = new_producer(st);
        if (cfg.create)
                create_topic(rk);
        int parts = wait_topic(rk, cfg.create ? cfg.partitions : 1,
                               cfg.start_timeout_ms);
        if (parts <= 0)
                die("topic %s not available", cfg.topic);
        if (cfg.partitions > 0 && cfg.partitions < parts)
                parts = cfg.partitions;
        cfg.partitions = parts;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, cfg.topic, NULL);
        if (cfg.warmup_s > 0) {
                /* the warm-up comes on top of the measured duration */
                st->warmup_until = now_ns() + (uint64_t)(cfg.warmup_s * 1e9);
                if (cfg.duration_s > 0)
                        cfg.duration_s += cfg.warmup_s;
        }

        prod_run_t run = {0};
        produce_loop(rk, rkt, parts, 0, &run);
        int flushed = flush_all(rk, 60000) == 0;
        uint64_t last = st->last_dr ? st->last_dr : now_ns();
        double el     = (double)(last - run.start) / 1e9;
        double mbps   = el > 0 ? (double)st->delivered_bytes / el / 1e6 : 0;
        double mps    = el > 0 ? (double)st->delivered / el : 0;
        int ok        = flushed && st->errors == 0 && st->delivered > 0;

        char j[4096];
        print_common(j, sizeof(j));
        size_t l = strlen(j);
        snprintf(j + l, sizeof(j) - l,
                 "\"ok\":%s,\"sent\":%" PRIu64 ",\"messages\":%" PRIu64
                 ",\"bytes\":%" PRIu64 ",\"errors\":%" PRIu64
                 ",\"first_error\":\"%s\",\"elapsed_s\":%.3f,"
                 "\"mb_per_s\":%.2f,\"msgs_per_s\":%.0f,\"target_rate_mb_s\":"
                 "%.2f,\"schedule_lag_max_ms\":%.3f,\"queue_full\":%" PRIu64
                 ",",
                 ok ? "true" : "false", run.sent, st->delivered,
                 st->delivered_bytes, st->errors, st->first_error, el, mbps,
                 mps, cfg.rate_mbps, (double)run.lag_max_ns / 1e6,
                 run.queue_full);
        hist_json(j, sizeof(j), "produce_latency_ms", &st->lat);
        l = strlen(j);
        snprintf(j + l, sizeof(j) - l, "}");
        printf("%s\n", j);
        fflush(stdout);
        fprintf(stderr,
                "produce %s: %d parts, %dB: %" PRIu64
                " msgs in %.2fs = %.1f MB/s, %.0f msg/s; latency ms p50 %.2f "
                "p99 %.2f p999 %.2f max %.2f; errors %" PRIu64 " %s\n",
                cfg.topic, parts, cfg.size, st->delivered, el, mbps, mps,
                hist_pct(&st->lat, .5) / 1e6, hist_pct(&st->lat, .99) / 1e6,
                hist_pct(&st->lat, .999) / 1e6, (double)st->lat.max / 1e6,
                st->errors, st->first_error);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        free(st);
        return ok ? 0 : 2;
}

/* --------------------------------------------------------------- consumer */

static rd_kafka_t *new_consumer(int eof) {
        char err[512];
        rd_kafka_conf_t *conf = base_conf();
        /* group.id is only set because some clients insist; no subscribe(),
         * no commits: partitions are assigned explicitly */
        conf_set(conf, "group.id", "skiff-bench");
        conf_set(conf, "enable.auto.commit", "false");
        conf_set(conf, "enable.auto.offset.store", "false");
        conf_set(conf, "enable.partition.eof", eof ? "true" : "false");
        apply_props(conf, cfg.xprops, cfg.xcnt);
        apply_props(conf, cfg.yprops, cfg.ycnt);
        rd_kafka_t *rk =
            rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
        if (!rk)
                die("consumer: %s", err);
        enable_oauthbearer(rk);
        rd_kafka_poll_set_consumer(rk);
        return rk;
}

/* assigns partitions 0..parts-1 at `offset`, or at their high watermark if
 * offset == RD_KAFKA_OFFSET_END and query_end */
static void assign_all(rd_kafka_t *rk, int parts, int64_t offset,
                       int query_end) {
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(parts);
        for (int p = 0; p < parts; p++) {
                int64_t off = offset;
                if (query_end) {
                        int64_t lo, hi;
                        rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
                            rk, cfg.topic, p, &lo, &hi, 10000);
                        if (e)
                                die("watermarks %s/%d: %s", cfg.topic, p,
                                    rd_kafka_err2str(e));
                        off = hi;
                }
                rd_kafka_topic_partition_list_add(l, cfg.topic, p)->offset = off;
        }
        rd_kafka_resp_err_t e = rd_kafka_assign(rk, l);
        if (e)
                die("assign: %s", rd_kafka_err2str(e));
        rd_kafka_topic_partition_list_destroy(l);
}

/* messages taken from the consumer queue at once */
#define CONSUME_BATCH 10000

static int cmd_consume(void) {
        uint64_t t_start = now_ns();
        rd_kafka_t *rk   = new_consumer(1);
        int parts        = wait_topic(rk, 1, cfg.start_timeout_ms);
        if (parts <= 0)
                die("topic %s not available", cfg.topic);
        if (cfg.partitions > 0 && cfg.partitions < parts)
                parts = cfg.partitions;
        cfg.partitions = parts;
        assign_all(rk, parts, RD_KAFKA_OFFSET_BEGINNING, 0);

        char *eof = calloc((size_t)parts, 1);
        int eof_cnt = 0;
        rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
        rd_kafka_message_t **batch = malloc(sizeof(*batch) * CONSUME_BATCH);
        uint64_t msgs = 0, bytes = 0, errors = 0, first = 0, last = 0;
        char first_error[256] = "";
        int reason_idle = 0, reason_time = 0;

        while (!stop_flag) {
                if (cfg.count > 0 && msgs >= (uint64_t)cfg.count)
                        break;
                if (cfg.count <= 0 && eof_cnt == parts)
                        break;
                if (cfg.duration_s > 0 && first &&
                    now_ns() - first >= (uint64_t)(cfg.duration_s * 1e9)) {
                        reason_time = 1;
                        break;
                }
                /* In batches (as confluent-kafka's consume(num_messages) does):
                 * with 100 B records one poll per message is the consumer's
                 * own bottleneck, not the broker's. */
                ssize_t n = rd_kafka_consume_batch_queue(queue, 100, batch,
                                                         CONSUME_BATCH);
                uint64_t now = now_ns();
                if (n <= 0) {
                        if (first && now - last > (uint64_t)cfg.idle_ms * 1000000ull) {
                                reason_idle = 1;
                                break;
                        }
                        if (!first && now - t_start > (uint64_t)cfg.start_timeout_ms * 1000000ull) {
                                reason_idle = 1;
                                break;
                        }
                        continue;
                }
                for (ssize_t i = 0; i < n; i++) {
                        rd_kafka_message_t *m = batch[i];
                        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                                if (m->partition >= 0 && m->partition < parts &&
                                    !eof[m->partition]) {
                                        eof[m->partition] = 1;
                                        eof_cnt++;
                                }
                        } else if (m->err) {
                                if (errors++ == 0)
                                        snprintf(first_error, sizeof(first_error),
                                                 "%s", rd_kafka_message_errstr(m));
                                if (cfg.verbose)
                                        fprintf(stderr, "loadgen: consume error: %s\n",
                                                rd_kafka_message_errstr(m));
                        } else {
                                if (!first)
                                        first = now;
                                last = now;
                                msgs++;
                                bytes += m->len;
                                if (m->partition >= 0 && m->partition < parts &&
                                    eof[m->partition]) {
                                        eof[m->partition] = 0;
                                        eof_cnt--;
                                }
                        }
                        rd_kafka_message_destroy(m);
                }
        }
        rd_kafka_queue_destroy(queue);
        free(batch);
        double el   = first && last > first ? (double)(last - first) / 1e9 : 0;
        double mbps = el > 0 ? (double)bytes / el / 1e6 : 0;
        double mps  = el > 0 ? (double)msgs / el : 0;
        double ttf  = first ? (double)(first - t_start) / 1e6 : -1;
        /* reading less than --count is fine when --duration ran out */
        int ok = msgs > 0 && (cfg.count <= 0 || msgs >= (uint64_t)cfg.count ||
                              reason_time);

        /* consume does not know the record size: report the mean */
        cfg.size = msgs ? (int)(bytes / msgs) : 0;
        char j[4096];
        print_common(j, sizeof(j));
        size_t l = strlen(j);
        snprintf(j + l, sizeof(j) - l,
                 "\"ok\":%s,\"messages\":%" PRIu64 ",\"bytes\":%" PRIu64
                 ",\"errors\":%" PRIu64
                 ",\"first_error\":\"%s\",\"elapsed_s\":%.3f,\"mb_per_s\":%.2f,"
                 "\"msgs_per_s\":%.0f,\"time_to_first_ms\":%.1f,"
                 "\"ended_by\":\"%s\"}",
                 ok ? "true" : "false", msgs, bytes, errors, first_error, el,
                 mbps, mps, ttf,
                 cfg.count > 0 && msgs >= (uint64_t)cfg.count
                     ? "count"
                     : (reason_idle   ? "idle"
                        : reason_time ? "duration"
                        : stop_flag   ? "signal"
                                      : "eof"));
        printf("%s\n", j);
        fflush(stdout);
        fprintf(stderr,
                "consume %s: %d parts: %" PRIu64
                " msgs, %.1f MB in %.2fs = %.1f MB/s, %.0f msg/s; first "
                "message after %.0f ms; errors %" PRIu64 " %s\n",
                cfg.topic, parts, msgs, (double)bytes / 1e6, el, mbps, mps, ttf,
                errors, first_error);
        free(eof);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return ok ? 0 : 2;
}

/* -------------------------------------------------------------------- e2e */

typedef struct {
        rd_kafka_t *rk;
        hist_t lat;
        uint64_t warmup_until;
        uint64_t received;
        uint64_t errors;
        volatile int stop;
        volatile uint64_t received_v; /* progress for the main thread */
        char first_error[256];
} e2e_cons_t;

static void *e2e_consumer_main(void *arg) {
        e2e_cons_t *c = arg;
        while (!c->stop) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(c->rk, 50);
                if (!m)
                        continue;
                uint64_t now = now_ns();
                if (m->err) {
                        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF &&
                            c->errors++ == 0)
                                snprintf(c->first_error, sizeof(c->first_error),
                                         "%s", rd_kafka_message_errstr(m));
                } else if (m->len >= 16) {
                        uint64_t t0;
                        memcpy(&t0, m->payload, 8);
                        if (t0 >= c->warmup_until && now >= t0)
                                hist_add(&c->lat, now - t0);
                        c->received++;
                        __atomic_store_n(&c->received_v, c->received,
                                         __ATOMIC_RELEASE);
                }
                rd_kafka_message_destroy(m);
        }
        return NULL;
}

static int cmd_e2e(void) {
        if (cfg.size < 16)
                die("e2e needs --size >= 16");
        if (cfg.duration_s <= 0 && cfg.count <= 0)
                die("e2e needs --duration or --count");
        prod_stats_t *st = calloc(1, sizeof(*st));
        rd_kafka_t *prk  = new_producer(st);
        if (cfg.create)
                create_topic(prk);
        int parts = wait_topic(prk, cfg.create ? cfg.partitions : 1,
                               cfg.start_timeout_ms);
        if (parts <= 0)
                die("topic %s not available", cfg.topic);
        if (cfg.partitions > 0 && cfg.partitions < parts)
                parts = cfg.partitions;
        cfg.partitions = parts;

        e2e_cons_t *c = calloc(1, sizeof(*c));
        c->rk         = new_consumer(0);
        if (wait_topic(c->rk, parts, cfg.start_timeout_ms) < parts)
                die("consumer: topic %s not available", cfg.topic);
        /* start exactly at the current end: nothing produced from now on
         * can be missed */
        assign_all(c->rk, parts, RD_KAFKA_OFFSET_END, 1);
        pthread_t thr;
        pthread_create(&thr, NULL, e2e_consumer_main, c);
        /* give the consumer a moment to send its first fetches */
        usleep(300000);

        double warm = cfg.warmup_s >= 0 ? cfg.warmup_s : 1.0;
        uint64_t wu = now_ns() + (uint64_t)(warm * 1e9);
        st->warmup_until = wu;
        c->warmup_until  = wu;
        if (cfg.duration_s > 0) /* the warm-up comes on top */
                cfg.duration_s += warm;

        rd_kafka_topic_t *rkt = rd_kafka_topic_new(prk, cfg.topic, NULL);
        prod_run_t run        = {0};
        produce_loop(prk, rkt, parts, 1, &run);
        int flushed = flush_all(prk, 60000) == 0;
        uint64_t prod_end = st->last_dr ? st->last_dr : now_ns();

        /* wait for the consumer to see everything that was acknowledged */
        uint64_t wait_end = now_ns() + 15000000000ull;
        while (now_ns() < wait_end && !stop_flag &&
               __atomic_load_n(&c->received_v, __ATOMIC_ACQUIRE) <
                   st->delivered)
                usleep(10000);
        c->stop = 1;
        pthread_join(thr, NULL);

        double el   = (double)(prod_end - run.start) / 1e9;
        double mbps = el > 0 ? (double)st->delivered_bytes / el / 1e6 : 0;
        int ok = flushed && st->errors == 0 && st->delivered > 0 &&
                 c->received >= st->delivered && st->lat.n > 0 && c->lat.n > 0;

        char j[4096];
        print_common(j, sizeof(j));
        size_t l = strlen(j);
        snprintf(j + l, sizeof(j) - l,
                 "\"ok\":%s,\"sent\":%" PRIu64 ",\"messages\":%" PRIu64
                 ",\"received\":%" PRIu64 ",\"errors\":%" PRIu64
                 ",\"consumer_errors\":%" PRIu64
                 ",\"first_error\":\"%s%s\",\"elapsed_s\":%.3f,"
                 "\"mb_per_s\":%.2f,\"target_rate_mb_s\":%.2f,"
                 "\"schedule_lag_max_ms\":%.3f,\"warmup_s\":%.2f,",
                 ok ? "true" : "false", run.sent, st->delivered, c->received,
                 st->errors, c->errors, st->first_error, c->first_error, el,
                 mbps, cfg.rate_mbps, (double)run.lag_max_ns / 1e6, warm);
        hist_json(j, sizeof(j), "produce_latency_ms", &st->lat);
        l = strlen(j);
        snprintf(j + l, sizeof(j) - l, ",");
        hist_json(j, sizeof(j), "e2e_latency_ms", &c->lat);
        l = strlen(j);
        snprintf(j + l, sizeof(j) - l, "}");
        printf("%s\n", j);
        fflush(stdout);
        fprintf(stderr,
                "e2e %s: %d parts, %dB at %.1f MB/s (achieved %.1f): produce "
                "ms p50 %.2f p99 %.2f max %.2f; end-to-end ms p50 %.2f p99 "
                "%.2f max %.2f; sent %" PRIu64 " acked %" PRIu64
                " received %" PRIu64 "\n",
                cfg.topic, parts, cfg.size, cfg.rate_mbps, mbps,
                hist_pct(&st->lat, .5) / 1e6, hist_pct(&st->lat, .99) / 1e6,
                (double)st->lat.max / 1e6, hist_pct(&c->lat, .5) / 1e6,
                hist_pct(&c->lat, .99) / 1e6, (double)c->lat.max / 1e6,
                run.sent, st->delivered, c->received);

        rd_kafka_consumer_close(c->rk);
        rd_kafka_destroy(c->rk);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(prk);
        free(c);
        free(st);
        return ok ? 0 : 2;
}

/* ------------------------------------------------------------------- main */

static void usage(void) {
        fprintf(stderr,
                "usage: loadgen produce|consume|e2e -b HOST:PORT -t TOPIC [options]\n"
                "  -p, --partitions N     partitions to use (default: all); with --create, the count to create\n"
                "  -s, --size BYTES       record value size (default 1024)\n"
                "  -n, --count N          messages to produce / consume\n"
                "  -d, --duration SEC     produce for this long; consume: stop this long after the first message\n"
                "  -r, --rate MB/s        fixed produce rate (MB = 10^6 bytes), paced by the clock\n"
                "      --create           create the topic (Admin API) first; TOPIC_ALREADY_EXISTS is fine\n"
                "      --linger MS        linger.ms (default 5)\n"
                "      --batch-bytes N    batch.size (default 1048576)\n"
                "      --batch-msgs N     batch.num.messages (default 1000000)\n"
                "      --idle-ms MS       consume: stop after this long without messages (default 5000)\n"
                "      --start-timeout MS wait for topic / first message (default 30000)\n"
                "      --warmup SEC       run SEC longer, dropping the latency samples of the first SEC (e2e default 1)\n"
                "      --label STR        copied into the JSON output\n"
                "  -X key=value           any librdkafka property (repeatable)\n"
                "  -Y key=value           a librdkafka property for the consumer only (repeatable)\n"
                "  -v                     verbose librdkafka logs\n");
        exit(1);
}

int main(int argc, char **argv) {
        if (argc < 2)
                usage();
        cfg.mode = argv[1];
        static struct option opts[] = {
            {"bootstrap", required_argument, 0, 'b'},
            {"topic", required_argument, 0, 't'},
            {"partitions", required_argument, 0, 'p'},
            {"size", required_argument, 0, 's'},
            {"count", required_argument, 0, 'n'},
            {"duration", required_argument, 0, 'd'},
            {"rate", required_argument, 0, 'r'},
            {"create", no_argument, 0, 'C'},
            {"linger", required_argument, 0, 1},
            {"batch-bytes", required_argument, 0, 2},
            {"batch-msgs", required_argument, 0, 3},
            {"idle-ms", required_argument, 0, 4},
            {"start-timeout", required_argument, 0, 5},
            {"warmup", required_argument, 0, 6},
            {"label", required_argument, 0, 7},
            {0, 0, 0, 0}};
        int o;
        optind = 2;
        while ((o = getopt_long(argc, argv, "b:t:p:s:n:d:r:CX:Y:vh", opts,
                                NULL)) != -1) {
                switch (o) {
                case 'b': cfg.bootstrap = optarg; break;
                case 't': cfg.topic = optarg; break;
                case 'p': cfg.partitions = atoi(optarg); break;
                case 's': cfg.size = atoi(optarg); break;
                case 'n': cfg.count = atoll(optarg); break;
                case 'd': cfg.duration_s = atof(optarg); break;
                case 'r': cfg.rate_mbps = atof(optarg); break;
                case 'C': cfg.create = 1; break;
                case 1: cfg.linger_ms = atof(optarg); break;
                case 2: cfg.batch_bytes = atoi(optarg); break;
                case 3: cfg.batch_msgs = atoi(optarg); break;
                case 4: cfg.idle_ms = atoi(optarg); break;
                case 5: cfg.start_timeout_ms = atoi(optarg); break;
                case 6: cfg.warmup_s = atof(optarg); break;
                case 7: cfg.label = optarg; break;
                case 'X':
                        if (cfg.xcnt >= MAX_X)
                                die("too many -X");
                        cfg.xprops[cfg.xcnt++] = optarg;
                        break;
                case 'Y':
                        if (cfg.ycnt >= MAX_X)
                                die("too many -Y");
                        cfg.yprops[cfg.ycnt++] = optarg;
                        break;
                case 'v': cfg.verbose = 1; break;
                default: usage();
                }
        }
        if (!cfg.bootstrap || !cfg.topic)
                usage();
        if (cfg.size <= 0)
                die("bad --size");

        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);

        if (!strcmp(cfg.mode, "produce")) {
                if (cfg.count <= 0 && cfg.duration_s <= 0)
                        die("produce needs --count or --duration");
                return cmd_produce();
        }
        if (!strcmp(cfg.mode, "consume"))
                return cmd_consume();
        if (!strcmp(cfg.mode, "e2e"))
                return cmd_e2e();
        usage();
        return 1;
}

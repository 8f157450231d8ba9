"""One member of the group benchmark (confluent-kafka / librdkafka). Prints JSON lines on stdout.

  group_member.py BOOTSTRAP TOPIC GROUP COMMITS STOPFILE

Joins GROUP on TOPIC with the range assignor (eager rebalances), reports every assignment with its
time, and once told to measure (STOPFILE.measure exists) makes COMMITS synchronous commits of its
positions, reporting each one's latency; leaves when STOPFILE exists.
"""
import json
import os
import sys
import time

from confluent_kafka import Consumer, TopicPartition


def emit(**fields):
    print(json.dumps(fields), flush=True)


def main(bootstrap, topic, group, commits, stopfile):
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False,
                         'auto.offset.reset': 'earliest', 'partition.assignment.strategy': 'range',
                         'session.timeout.ms': 10000, 'heartbeat.interval.ms': 1000})

    def on_assign(_consumer, partitions):
        emit(event='assign', at=time.time(), partitions=sorted(p.partition for p in partitions))

    def on_revoke(_consumer, partitions):
        emit(event='revoke', at=time.time(), partitions=len(partitions))

    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    measured = False
    while not os.path.exists(stopfile):
        consumer.poll(0.1)
        if not measured and os.path.exists(stopfile + '.measure'):
            measured = True
            assignment = consumer.assignment()
            latencies = []
            for i in range(int(commits)):
                offsets = [TopicPartition(p.topic, p.partition, i + 1) for p in assignment]
                started = time.perf_counter()
                consumer.commit(offsets=offsets, asynchronous=False)
                latencies.append((time.perf_counter() - started) * 1000)
            emit(event='commits', partitions=len(assignment), latencies_ms=latencies)
    consumer.close()


if __name__ == '__main__':
    main(*sys.argv[1:])

"""kafka-python and confluent-kafka against Skiff's IAM listener: TLS + SASL OAUTHBEARER with MSK IAM
tokens. Python has no MSK signer here, so the token provider reads the token the test minted with the
real aws-msk-iam-sasl-signer-js from TOKENFILE, again on every token request. Prints JSON lines.

  iam_python_clients.py kafka-python-produce BOOTSTRAP TOPIC COUNT CAFILE TOKENFILE
      the guide's producer (acks='all', retries=3, 16 KiB batches, linger 5 ms, JSON values, string
      keys); one line per acknowledged record
  iam_python_clients.py kafka-python-consume BOOTSTRAP TOPIC COUNT CAFILE TOKENFILE GROUP
      the guide's consumer (subscribe, group, auto commit) reading COUNT records; one line per record.
      auto_offset_reset='earliest' where the guide has 'latest', so records produced before the group
      joins are read and the test does not race the join
  iam_python_clients.py confluent-produce BOOTSTRAP TOPIC COUNT CAFILE TOKENFILE
      confluent-kafka Producer with oauth_cb; one line per delivery report
  iam_python_clients.py confluent-consume BOOTSTRAP TOPIC COUNT CAFILE TOKENFILE GROUP
      confluent-kafka Consumer with oauth_cb in a group reading COUNT records from the earliest offset
  iam_python_clients.py confluent-forever BOOTSTRAP TOPIC CAFILE TOKENFILE GROUP
      the same consumer running until killed; one line per record and one per client error
  iam_python_clients.py confluent-probe BOOTSTRAP TOPIC CAFILE TOKENFILE
      tries to produce one record within 15 s; prints {"delivered": bool, "errors": [...]} with every
      delivery and client error (authentication failures arrive as client errors)
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer
from kafka import KafkaConsumer

from kafka_python_guide import produce as guide_produce


def emit(**fields):
    print(json.dumps(fields), flush=True)


def read_token(path):
    with open(path, encoding='utf-8') as file:
        return file.read().strip()


class MSKTokenProvider:
    """The guide's token provider, with the signer call replaced by reading the test's token file."""

    def __init__(self, path):
        self.path = path

    def token(self):
        return read_token(self.path)


def kafka_python_security(cafile, tokenfile):
    return dict(
        security_protocol='SASL_SSL',
        sasl_mechanism='OAUTHBEARER',
        sasl_oauth_token_provider=MSKTokenProvider(tokenfile),
        ssl_cafile=cafile,
        ssl_check_hostname=True,
    )


def kafka_python_produce(bootstrap, topic, count, cafile, tokenfile):
    guide_produce(bootstrap, topic, count, **kafka_python_security(cafile, tokenfile))


def kafka_python_consumer(bootstrap, topic, cafile, tokenfile, group):
    return KafkaConsumer(
        topic,
        bootstrap_servers=[bootstrap],
        group_id=group,
        auto_offset_reset='earliest',
        enable_auto_commit=True,
        value_deserializer=lambda m: json.loads(m.decode('utf-8')),
        **kafka_python_security(cafile, tokenfile),
    )


def kafka_python_consume(bootstrap, topic, count, cafile, tokenfile, group):
    consumer = kafka_python_consumer(bootstrap, topic, cafile, tokenfile, group)
    seen = 0
    deadline = time.time() + 60
    while seen < count and time.time() < deadline:
        for records in consumer.poll(timeout_ms=1000).values():
            for message in records:
                emit(partition=message.partition, offset=message.offset, key=message.key.decode('utf-8'), value=message.value)
                seen += 1
    consumer.commit()
    consumer.close()
    if seen < count:
        sys.exit(f'read {seen} of {count} records in 60 s')


def confluent_security(cafile, tokenfile, errors):
    def oauth_cb(_config):
        # A lifetime shorter than the token's (15 min) makes librdkafka ask again, and re-read the file.
        return read_token(tokenfile), time.time() + 60

    def error_cb(error):
        errors.append(str(error))
        emit(clientError=str(error), code=error.code())

    return {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanisms': 'OAUTHBEARER',
        'ssl.ca.location': cafile,
        'ssl.endpoint.identification.algorithm': 'https',
        'oauth_cb': oauth_cb,
        'error_cb': error_cb,
    }


def text(data):
    return None if data is None else data.decode('utf-8')


def confluent_produce(bootstrap, topic, count, cafile, tokenfile):
    errors = []
    producer = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'linger.ms': 5, **confluent_security(cafile, tokenfile, errors)})

    def on_delivery(error, message):
        if error is not None:
            emit(error=str(error), value=text(message.value()))
        else:
            emit(partition=message.partition(), offset=message.offset(), key=text(message.key()), value=text(message.value()))

    producer.poll(0)  # serves the first oauth_cb
    for i in range(count):
        producer.produce(topic, key=f'key-{i % 7}', value=f'value-{i}', on_delivery=on_delivery)
        producer.poll(0)
    remaining = producer.flush(30)
    if remaining:
        sys.exit(f'{remaining} records not delivered in 30 s; client errors: {errors}')


def confluent_consumer(bootstrap, topic, cafile, tokenfile, group, errors):
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': group,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': True,
        'session.timeout.ms': 10000,
        **confluent_security(cafile, tokenfile, errors),
    })
    consumer.subscribe([topic], on_assign=lambda _consumer, partitions: emit(assigned=[p.partition for p in partitions]))
    return consumer


def confluent_consume(bootstrap, topic, count, cafile, tokenfile, group, forever=False):
    errors = []
    consumer = confluent_consumer(bootstrap, topic, cafile, tokenfile, group, errors)
    seen = 0
    deadline = time.time() + 60
    while forever or (seen < count and time.time() < deadline):
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error() is not None:
            emit(consumeError=str(message.error()))
            continue
        emit(partition=message.partition(), offset=message.offset(), key=text(message.key()), value=text(message.value()))
        seen += 1
    consumer.close()
    if seen < count:
        sys.exit(f'read {seen} of {count} records in 60 s; client errors: {errors}')


def confluent_probe(bootstrap, topic, cafile, tokenfile):
    errors = []
    delivered = []
    producer = Producer({
        'bootstrap.servers': bootstrap,
        'message.timeout.ms': 15000,
        'reconnect.backoff.ms': 1000,
        **confluent_security(cafile, tokenfile, errors),
    })

    def on_delivery(error, _message):
        delivered.append('ok' if error is None else str(error))

    producer.poll(0)
    producer.produce(topic, value=b'probe', on_delivery=on_delivery)
    deadline = time.time() + 20
    # The first authentication error settles it: librdkafka would only retry with the same token.
    while not delivered and time.time() < deadline and not any('SASL authentication error' in error for error in errors):
        producer.poll(0.2)
    emit(delivered=delivered == ['ok'], errors=errors + [result for result in delivered if result != 'ok'])


if __name__ == '__main__':
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == 'kafka-python-produce':
        kafka_python_produce(args[0], args[1], int(args[2]), args[3], args[4])
    elif mode == 'kafka-python-consume':
        kafka_python_consume(args[0], args[1], int(args[2]), args[3], args[4], args[5])
    elif mode == 'confluent-produce':
        confluent_produce(args[0], args[1], int(args[2]), args[3], args[4])
    elif mode == 'confluent-consume':
        confluent_consume(args[0], args[1], int(args[2]), args[3], args[4], args[5])
    elif mode == 'confluent-forever':
        confluent_consume(args[0], args[1], 0, args[2], args[3], args[4], forever=True)
    elif mode == 'confluent-probe':
        confluent_probe(args[0], args[1], args[2], args[3])
    else:
        sys.exit(f'unknown mode {mode}')

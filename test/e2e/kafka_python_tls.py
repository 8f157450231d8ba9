"""kafka-python and Python's ssl module against Skiff's TLS listener (security_protocol='SSL').

  kafka_python_tls.py roundtrip BOOTSTRAP TOPIC CAFILE COUNT
      produces COUNT keyed records to partition 0 over TLS, reads them back by assignment, and prints
      one JSON object: the acknowledged offsets and the records read
  kafka_python_tls.py handshake HOST PORT [CAFILE]
      one TLS handshake with ssl.create_default_context (system CAs when CAFILE is not given) and
      prints JSON: {"ok": true, "version": ..., "cipher": ...} or {"ok": false, "error": ..., "reason": ...}
"""
import json
import socket
import ssl
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def roundtrip(bootstrap, topic, cafile, count):
    tls = dict(security_protocol='SSL', ssl_cafile=cafile, ssl_check_hostname=True)
    producer = KafkaProducer(bootstrap_servers=[bootstrap], acks='all', linger_ms=5, **tls)
    futures = [producer.send(topic, key=f'key-{i}'.encode(), value=f'value-{i}'.encode(), partition=0) for i in range(count)]
    producer.flush()
    offsets = [future.get(timeout=30).offset for future in futures]
    producer.close()

    consumer = KafkaConsumer(bootstrap_servers=[bootstrap], enable_auto_commit=False, consumer_timeout_ms=20000, **tls)
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    records = []
    for message in consumer:
        records.append({'offset': message.offset, 'key': message.key.decode(), 'value': message.value.decode()})
        if len(records) == count:
            break
    consumer.close()
    print(json.dumps({'offsets': offsets, 'records': records}))


def handshake(host, port, cafile):
    context = ssl.create_default_context(cafile=cafile)
    try:
        with socket.create_connection((host, port), timeout=20) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                print(json.dumps({'ok': True, 'version': tls.version(), 'cipher': tls.cipher()[0]}))
    except ssl.SSLError as error:
        print(json.dumps({'ok': False, 'error': type(error).__name__, 'reason': error.reason}))


if __name__ == '__main__':
    if sys.argv[1] == 'roundtrip':
        roundtrip(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif sys.argv[1] == 'handshake':
        handshake(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        sys.exit(f'unknown mode {sys.argv[1]}')

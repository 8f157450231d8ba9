// The ObjectStore interface: where record bytes live. The log engine writes one object per
// flush and reads byte ranges back; nothing else touches the bytes.

/** Where one appended object landed: a key and the byte position of its first byte. */
export interface ObjectLocation {
  objectKey: string
  position: number
}

export interface ObjectStore {
  /**
   * Writes the chunks, in order, as one object and resolves only once it is durable
   * (fsync on files, a completed PUT on S3). The fs store appends to a segment file, so
   * several objects share one key at different positions; S3 gives every object its own key.
   */
  append(chunks: readonly Buffer[]): Promise<ObjectLocation>
  /** Reads `length` bytes at `position` of the object; throws ServiceError OBJECT_NOT_FOUND / OBJECT_SHORT_READ. */
  read(objectKey: string, position: number, length: number): Promise<Buffer>
  /** Keys of every stored object (fs: segment files; s3: objects). */
  listKeys(): Promise<string[]>
  /** Deletes a whole object (a segment file on fs). Deleting a missing key is not an error. */
  delete(objectKey: string): Promise<void>
  close(): Promise<void>
}

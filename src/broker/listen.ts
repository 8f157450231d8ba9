// Starts a TCP or TLS server listening and answers the port it got (the kernel's pick for port 0).
import type net from 'node:net'

export async function listenOn (server: net.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  return typeof address === 'object' && address !== null ? address.port : port
}

// An HTTP proxy in front of the local AWS (moto) that counts requests per AWS operation and,
// when asked, injects faults: ThrottlingException (HTTP 400 with AWS's error body), HTTP 500,
// or a dropped connection (before or after the request reached moto). Faults are decided by a
// seeded PRNG, so a run is reproducible, and bounded: never two faults in a row for the same
// request body, at most `maxFaults` in all. Test-only code, so it lives under test/: the e2e fault
// test injects faults with it, and the deploy and release benchmarks count requests through it (as
// they use the local AWS helper beside it). Used by bench/deploy.mjs (counting) and
// test/e2e/fault-proxy.test.ts (faults).
import {createHash} from 'node:crypto'
import {createServer, request as httpRequest} from 'node:http'

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function operationOf(req, body) {
  const target = req.headers['x-amz-target']
  if (target) return String(target).split('.').pop()
  const action = /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body)
  if (action) return action[1]
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'unknown'
  return `${service}:${req.method}`
}

/**
 * Start the proxy. Options: target (moto endpoint), faultRate (0..1), seed, maxFaults,
 * kinds (subset of ['throttle', 'http500', 'drop-before', 'drop-after']), faultOperations
 * (limit faults to these operations; all when absent), script ({Operation: [kind of its 1st call,
 * kind of its 2nd call, ...]}: faults that must happen whatever the PRNG says; null for none).
 * Returns {endpoint, counts, total(), faults, close()}.
 */
export async function startProxy(options) {
  const target = new URL(options.target)
  const random = prng(options.seed ?? 42)
  const kinds = options.kinds ?? ['throttle', 'http500', 'drop-before', 'drop-after']
  const counts = {}
  const faults = []
  const lastFaulted = new Set()
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const text = body.toString('utf8')
      const op = operationOf(req, text)
      counts[op] = (counts[op] ?? 0) + 1
      const key = createHash('sha1').update(req.url ?? '').update(body).digest('hex')
      const eligible = !options.faultOperations || options.faultOperations.includes(op)
      let fault = options.script?.[op]?.[counts[op] - 1] ?? undefined
      if (!fault && eligible && (options.faultRate ?? 0) > 0 && faults.length < (options.maxFaults ?? Infinity) && !lastFaulted.has(key)) {
        if (random() < options.faultRate) fault = kinds[Math.floor(random() * kinds.length)]
      }
      if (fault) lastFaulted.add(key)
      else lastFaulted.delete(key)
      if (fault) faults.push({operation: op, kind: fault})
      const json = String(req.headers['content-type'] ?? '').includes('json')
      if (fault === 'throttle') {
        const payload = json
          ? JSON.stringify({__type: 'ThrottlingException', message: 'Rate exceeded'})
          : `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ThrottlingException</Code><Message>Rate exceeded</Message></Error><RequestId>fault-${faults.length}</RequestId></ErrorResponse>`
        res.writeHead(400, {'content-type': json ? 'application/x-amz-json-1.1' : 'text/xml', 'x-amzn-errortype': 'ThrottlingException', 'x-amzn-requestid': `fault-${faults.length}`})
        res.end(payload)
        return
      }
      if (fault === 'http500') {
        res.writeHead(500, {'content-type': 'text/xml'})
        res.end('<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>injected</Message></Error></ErrorResponse>')
        return
      }
      if (fault === 'drop-before') {
        req.socket.destroy()
        return
      }
      const upstream = httpRequest(
        {host: target.hostname, port: target.port, method: req.method, path: req.url, headers: {...req.headers, host: target.host}},
        (up) => {
          const parts = []
          up.on('data', (c) => parts.push(c))
          up.on('end', () => {
            // The request took effect upstream; the answer is lost on the way back.
            if (fault === 'drop-after') {
              req.socket.destroy()
              return
            }
            res.writeHead(up.statusCode ?? 502, up.headers)
            res.end(Buffer.concat(parts))
          })
        },
      )
      upstream.on('error', () => req.socket.destroy())
      upstream.end(body)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = server.address().port
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    faults,
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset() {
      for (const k of Object.keys(counts)) delete counts[k]
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

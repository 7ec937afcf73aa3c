import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {PlatformCommand} from '../lib/cli/base-command.js'
import {createAwsClients} from '../lib/aws/clients.js'
import {awsFlags, configFlag} from '../lib/cli/flags.js'
import {getEnvironment, loadConfig} from '../lib/config/load.js'
import {createLogsApi, formatLogEvent, literalPattern, parseSince, readLogs, serviceLogGroup} from '../lib/logs/logs.js'
import {takeOverInterrupts} from '../lib/cli/interrupts.js'

export default class Logs extends PlatformCommand {
  static override summary = 'Print a service\'s CloudWatch logs, every task interleaved in time order; --follow keeps printing like tail -f.'
  static override description = `Reads the service's log group (/ecs/<project>-<env>/<service>) from --since (a duration such as 15m, 1h, 2d, or an ISO 8601 time; default 1h). --filter keeps only events that contain TEXT literally. --follow polls for new events until Ctrl-C.

Each line is the time (UTC), the first 8 characters of the task id, and the message. --json prints one JSON object per event and line: {timestamp, time, stream, message}.`

  static override examples = ['<%= config.bin %> <%= command.id %> prod api', '<%= config.bin %> <%= command.id %> prod web --since 15m --follow', '<%= config.bin %> <%= command.id %> prod api --filter ERROR --since 2d --json']

  static override jsonLines = true

  static override args = {
    env: Args.string({description: 'Environment name from platform.yaml.', required: true}),
    service: Args.string({description: 'Service name from platform.yaml.', required: true}),
  }

  static override flags = {
    ...configFlag,
    ...awsFlags,
    since: Flags.string({summary: 'Start this long ago (15m, 1h, 2d) or at this ISO 8601 time.', default: '1h'}),
    follow: Flags.boolean({char: 'f', summary: 'Keep printing new events until Ctrl-C.', default: false}),
    filter: Flags.string({summary: 'Only events containing this text.'}),
    json: Flags.boolean({summary: 'One JSON object per event and line.', default: false}),
    'poll-interval': Flags.integer({summary: 'Milliseconds between polls with --follow.', default: 2000, min: 100, hidden: true}),
  }

  override async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    const env = getEnvironment(await loadConfig(flags.config, {region: flags.region}), args.env)
    const group = serviceLogGroup(env, args.service)
    const startTime = parseSince(flags.since, Date.now())
    const region = env.region
    const clients = createAwsClients({profile: flags.profile, local: flags.local, region})
    // Ctrl-C (or a supervisor's SIGTERM) ends a follow cleanly, exit 0, like tail -f.
    const stop = new AbortController()
    // A second Ctrl-C exits at once, as the default handler would have.
    const onSignal = () => (stop.signal.aborted ? process.exit(130) : stop.abort())
    const releaseInterrupts = takeOverInterrupts(onSignal)
    process.once('SIGTERM', onSignal)
    try {
      const events = readLogs(createLogsApi(clients, region), group, {startTime, pattern: flags.filter ? literalPattern(flags.filter) : undefined, follow: flags.follow, pollMs: flags['poll-interval'], signal: stop.signal})
      for await (const event of events) {
        const line = flags.json ? JSON.stringify({timestamp: event.timestamp, time: new Date(event.timestamp).toISOString(), stream: event.stream, message: event.message}) : formatLogEvent(event)
        process.stdout.write(`${line}\n`)
      }
    } finally {
      releaseInterrupts()
      process.off('SIGTERM', onSignal)
      clients.destroy()
    }
  }
}

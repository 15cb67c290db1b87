// `herald <command>`: the command-line interface of the embedded stack.
import { parseArgs } from 'node:util';
import { runDemo } from './demo.ts';
import { runDoctorCommand } from './doctor-command.ts';
import { runExportCommand } from './export-command.ts';
import { runSendCommand, runSendControl } from './send-command.ts';
import { runReportCommand } from './report-command.ts';
import { runStatsCommand } from './stats-command.ts';
import { runImportCommand } from './import-command.ts';

const USAGE = `Usage: herald <command>

Commands:
  demo                 send the sample issue end to end on a fresh embedded stack and print what went out
  send <issue>         send an issue through a running stack (npm start) and follow it with a progress bar
      --url URL          the stack's API (default http://localhost:$PORT, PORT defaulting to 3000)
      --token TOKEN      an editor's or admin's bearer token (default $HERALD_TOKEN, then $HERALD_ADMIN_TOKEN)
      --allow-fallback   send even where a language lacks its own subject or intro (English is shown)
      --pause            pause the issue's running send instead (no batch goes to SES until it is resumed)
      --resume           resume its paused send, and follow it to its end
      --cancel           cancel its send: whoever was not sent it yet ends cancelled (a scheduled one is a draft again)
  stats <issue>        an issue's delivery, open, click, bounce, complaint and unsubscribe figures
      --by GROUPING      region (default), country or language
      --region REGION    only this region (a coordinator always sees only their own)
      --csv              print CSV instead of a table
      --url URL, --token TOKEN   as for send (a coordinator's token works too)
  report               the dissemination report of a period: issues sent, people reached, opens, clicks, growth
      --from YYYY-MM-DD, --to YYYY-MM-DD   the period (issues by the day they were sent; both days included)
      --by GROUPING      region (default), country or language
      --region REGION    only this region (a coordinator always sees only their own)
      --lang LANGUAGE    names and headers in this language (default: the project's source language)
      --csv              print CSV for spreadsheets instead of a table
      --pdf FILE         write the PDF to FILE
      --url URL, --token TOKEN   as for send (a coordinator's token works too)
  export subscribers   the subscribers as CSV for spreadsheets (UTF-8 with BOM), onto stdout: > subscribers.csv
      --status S, --country C, --language L, --region R, --topic T, --q TEXT   only these (as the list filters)
  import subscribers <file.csv>   import subscribers from a CSV file (UTF-8; columns by header name: email, name,
                       language, country, region, topics, consent_date, consent_source, consent_proof, tracking)
      --mode MODE        consented (they consented elsewhere: confirmed at once, with that consent on record) or
                         confirm (each new address gets the confirmation email in its language); required
      --dry-run          check every row and show what would be imported; write and send nothing
      --source TEXT      where people consented, for rows without a consent_source
      --consent-date D   when they consented (YYYY-MM-DD), for rows without a consent_date
      --proof TEXT       where the proof is kept, for rows without a consent_proof
      --language L, --country C   for rows without a language or country
      --map FIELD=HEADER the column that holds FIELD (repeatable), e.g. --map email="E-mail address"
      --url URL, --token TOKEN   as for send (an admin's token)
  doctor               the DNS records SES needs for the sending domain (DKIM, MAIL FROM, DMARC), checked in DNS;
                       with AWS credentials, the deployed identity's DKIM records and status
      -c, --context KEY=VALUE   a CDK setting, as for cdk deploy (e.g. -c herald:sesIdentity=news.example.eu)
      --region REGION    the stacks' region (default $AWS_REGION)
      --offline          ask neither SES nor DNS
`;

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'demo': {
    // The table is the demo's output; per-batch logs would bury it.
    process.env.LOG_LEVEL ??= 'warn';
    const ok = await runDemo();
    process.exit(ok ? 0 : 1);
    break;
  }
  case 'send': {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'allow-fallback': { type: 'boolean' },
        pause: { type: 'boolean' },
        resume: { type: 'boolean' },
        cancel: { type: 'boolean' },
      },
    });
    const actions = (['pause', 'resume', 'cancel'] as const).filter((a) => values[a]);
    const token = values.token ?? process.env.HERALD_TOKEN ?? process.env.HERALD_ADMIN_TOKEN;
    if (!positionals[0] || !token || actions.length > 1) {
      const problem = !positionals[0]
        ? 'name the issue to send'
        : actions.length > 1
          ? 'give one of --pause, --resume, --cancel'
          : 'a --token is needed';
      process.stderr.write(`herald send: ${problem}\n\n${USAGE}`);
      process.exit(2);
    }
    try {
      const target = {
        issueId: positionals[0],
        url: values.url ?? `http://localhost:${process.env.PORT ?? 3000}`,
        token,
      };
      const ok = actions[0]
        ? await runSendControl({ ...target, action: actions[0] })
        : await runSendCommand({ ...target, allowFallback: values['allow-fallback'] ?? false });
      process.exit(ok ? 0 : 1);
    } catch (error) {
      process.stderr.write(`herald send: ${(error as Error).message}\n`);
      process.exit(1);
    }
    break;
  }
  case 'stats': {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        by: { type: 'string', default: 'region' },
        region: { type: 'string' },
        csv: { type: 'boolean' },
      },
    });
    const token = values.token ?? process.env.HERALD_TOKEN ?? process.env.HERALD_ADMIN_TOKEN;
    if (!positionals[0] || !token) {
      process.stderr.write(`herald stats: ${positionals[0] ? 'a --token is needed' : 'name the issue'}\n\n${USAGE}`);
      process.exit(2);
    }
    try {
      await runStatsCommand({
        issueId: positionals[0],
        by: values.by,
        url: values.url ?? `http://localhost:${process.env.PORT ?? 3000}`,
        token,
        ...(values.region && { region: values.region }),
        csv: values.csv ?? false,
      });
    } catch (error) {
      process.stderr.write(`herald stats: ${(error as Error).message}\n`);
      process.exit(1);
    }
    break;
  }
  case 'report': {
    const { values } = parseArgs({
      args: rest,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        by: { type: 'string', default: 'region' },
        region: { type: 'string' },
        lang: { type: 'string' },
        csv: { type: 'boolean' },
        pdf: { type: 'string' },
      },
    });
    const token = values.token ?? process.env.HERALD_TOKEN ?? process.env.HERALD_ADMIN_TOKEN;
    if (!values.from || !values.to || !token) {
      process.stderr.write(`herald report: ${token ? 'give --from and --to' : 'a --token is needed'}\n\n${USAGE}`);
      process.exit(2);
    }
    try {
      await runReportCommand({
        from: values.from,
        to: values.to,
        by: values.by,
        url: values.url ?? `http://localhost:${process.env.PORT ?? 3000}`,
        token,
        ...(values.region && { region: values.region }),
        ...(values.lang && { lang: values.lang }),
        csv: values.csv ?? false,
        ...(values.pdf && { pdf: values.pdf }),
      });
    } catch (error) {
      process.stderr.write(`herald report: ${(error as Error).message}\n`);
      process.exit(1);
    }
    break;
  }
  case 'import': {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        mode: { type: 'string' },
        'dry-run': { type: 'boolean' },
        source: { type: 'string' },
        'consent-date': { type: 'string' },
        proof: { type: 'string' },
        language: { type: 'string' },
        country: { type: 'string' },
        map: { type: 'string', multiple: true },
      },
    });
    const token = values.token ?? process.env.HERALD_ADMIN_TOKEN ?? process.env.HERALD_TOKEN;
    const [what, file] = positionals;
    const problem =
      what !== 'subscribers' || !file
        ? 'say what to import: herald import subscribers <file.csv>'
        : !values.mode
          ? 'choose --mode consented or --mode confirm'
          : !token
            ? "a --token is needed (an admin's)"
            : (values.map ?? []).find((m) => !m.includes('=')) && 'write --map as FIELD=HEADER';
    if (problem) {
      process.stderr.write(`herald import: ${problem}\n\n${USAGE}`);
      process.exit(2);
    }
    const query: Record<string, string> = {
      mode: values.mode!,
      ...(values['dry-run'] && { dryRun: 'true' }),
      ...(values.source && { source: values.source }),
      ...(values['consent-date'] && { consentDate: values['consent-date'] }),
      ...(values.proof && { proof: values.proof }),
      ...(values.language && { language: values.language }),
      ...(values.country && { country: values.country }),
      ...Object.fromEntries(
        (values.map ?? []).map((m) => [`map.${m.slice(0, m.indexOf('='))}`, m.slice(m.indexOf('=') + 1)]),
      ),
    };
    try {
      const ok = await runImportCommand({
        file: file!,
        url: values.url ?? `http://localhost:${process.env.PORT ?? 3000}`,
        token: token!,
        query,
      });
      process.exit(ok ? 0 : 1);
    } catch (error) {
      process.stderr.write(`herald import: ${(error as Error).message}\n`);
      process.exit(1);
    }
    break;
  }
  case 'export': {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        status: { type: 'string' },
        country: { type: 'string' },
        language: { type: 'string' },
        region: { type: 'string' },
        topic: { type: 'string' },
        q: { type: 'string' },
      },
    });
    const token = values.token ?? process.env.HERALD_ADMIN_TOKEN ?? process.env.HERALD_TOKEN;
    if (positionals[0] !== 'subscribers' || !token) {
      process.stderr.write(
        `herald export: ${token ? 'say what to export: herald export subscribers' : 'a --token is needed'}\n\n${USAGE}`,
      );
      process.exit(2);
    }
    try {
      const { url: given, token: _token, ...filters } = values;
      const rows = await runExportCommand({
        url: given ?? `http://localhost:${process.env.PORT ?? 3000}`,
        token,
        filters,
        progress: (written) => process.stderr.write(`\r${written} subscribers exported`),
      });
      process.stderr.write(`\r${rows} subscribers exported\n`);
    } catch (error) {
      process.stderr.write(`herald export: ${(error as Error).message}\n`);
      process.exit(1);
    }
    break;
  }
  case 'doctor': {
    const { values } = parseArgs({
      args: rest,
      options: {
        context: { type: 'string', short: 'c', multiple: true },
        region: { type: 'string' },
        offline: { type: 'boolean' },
      },
    });
    try {
      process.exit((await runDoctorCommand(values)) ? 0 : 1);
    } catch (error) {
      // An invalid setting names itself (infra/settings.ts).
      process.stderr.write(`herald doctor: ${(error as Error).message}\n`);
      process.exit(2);
    }
    break;
  }
  case undefined:
  case 'help':
  case '--help':
    process.stdout.write(USAGE);
    break;
  default:
    process.stderr.write(`herald: unknown command "${command}"\n\n${USAGE}`);
    process.exit(2);
}

/**
 * Completion and deletion mails over SMTP (spec §6), rendered from the scheduler.yml templates, with the
 * job type's own success/fail templates taking precedence. Recipients are the job's notified users who
 * have an email address and asked for that kind of mail. `smtp_server` null or empty disables mail.
 *
 * A completion mail goes out once per finish: completion_notify_sent is set when it was sent (a rerun
 * clears it). When nobody is to be told the flag is set as well, so the periodic check does not look at
 * the job again (PyFarm left it unset; nothing else read it). A failed send leaves the flag unset and is
 * retried by the periodic check.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../core/config/index.js';
import { WorkState } from '../../core/enums.js';
import type { Logger } from '../../core/logging.js';
import {
  claimCompletionNotice,
  findJobMailFacts,
  releaseCompletionNotice,
  type JobMailFacts,
} from '../../db/scheduling/lifecycle.repository.js';
import type { FarmWriter } from '../agents-monitor/agent-loss.service.js';
import { formatPlaceholders, renderTemplate } from './mail-template.js';

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export class Notifier {
  private readonly transport: Transporter | undefined;
  private readonly log: Logger;

  constructor(
    private readonly ctx: FarmWriter & { config: Config },
    transport?: Transporter,
  ) {
    this.log = ctx.log.child({ component: 'notifier' });
    this.transport = transport ?? createTransport(ctx.config);
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  /** Sends the completion mail of a finished job unless it went out already. True when a mail was sent. */
  async sendCompletion(jobId: number): Promise<boolean> {
    if (!this.transport) return false;
    const facts = await findJobMailFacts(this.ctx.db, jobId);
    const { DONE, FAILED } = WorkState.values;
    if (!facts || (facts.state !== DONE && facts.state !== FAILED)) return false;
    if (!(await claimCompletionNotice(this.ctx.db, jobId))) return false;
    const success = facts.state === DONE;
    const to = addresses(facts, success ? 'onSuccess' : 'onFailure');
    if (to.length === 0) return false;
    const { config } = this.ctx;
    const context = mailContext(facts, config);
    try {
      const subject = renderTemplate(
        (success ? facts.templates.successSubject : facts.templates.failSubject) ??
          (success ? config.success_subject : config.failed_subject),
        context,
      );
      const text = renderTemplate(
        (success ? facts.templates.successBody : facts.templates.failBody) ??
          (success ? config.success_body : config.failed_body),
        context,
      );
      await this.send({ to, subject: subject.trim(), text });
      return true;
    } catch (err) {
      this.log.error({ err, jobId }, 'completion mail not sent; it is tried again later');
      await releaseCompletionNotice(this.ctx.db, jobId);
      return false;
    }
  }

  /** Reads what a deletion mail needs, before the job's rows go. */
  async prepareDeletion(jobId: number): Promise<Mail | undefined> {
    if (!this.transport) return undefined;
    const facts = await findJobMailFacts(this.ctx.db, jobId);
    if (!facts) return undefined;
    const to = addresses(facts, 'onDeletion');
    if (to.length === 0) return undefined;
    const values = { job_title: facts.title, job_id: facts.id, jobtype_name: facts.jobtype };
    return {
      to,
      subject: formatPlaceholders(this.ctx.config.deleted_subject, values).trim(),
      text: formatPlaceholders(this.ctx.config.deleted_body, values),
    };
  }

  async send(mail: Mail): Promise<void> {
    if (!this.transport) return;
    await this.transport.sendMail({
      from: this.ctx.config.from_email,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
    });
  }

  close(): void {
    this.transport?.close();
  }
}

function createTransport(config: Config): Transporter | undefined {
  if (!config.smtp_server) return undefined;
  const [user, pass] = config.smtp_login;
  return nodemailer.createTransport({
    host: config.smtp_server,
    // PyFarm's 0 meant "the library's default", which is 25 for plain SMTP.
    port: config.smtp_port || 25,
    secure: false,
    ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
  });
}

function addresses(facts: JobMailFacts, flag: 'onSuccess' | 'onFailure' | 'onDeletion'): string[] {
  return facts.recipients.filter((r) => r[flag] && r.email).map((r) => r.email!);
}

/** The Jinja context PyFarm's templates expect. */
function mailContext(facts: JobMailFacts, config: Config): Record<string, unknown> {
  const base = config.base_url.endsWith('/') ? config.base_url : `${config.base_url}/`;
  return {
    job: {
      id: facts.id,
      title: facts.title,
      url: `${base}jobs/${facts.id}`,
      output_link: facts.outputLink,
      time_finished: facts.timeFinished === null ? null : new Date(facts.timeFinished),
      jobtype_version: { jobtype: { name: facts.jobtype } },
    },
    failed_log_urls: facts.failedTaskLogs.map(
      (log) =>
        `${base}api/v1/jobs/${facts.id}/tasks/${log.taskId}/attempts/${log.attempt}/logs/${encodeURIComponent(log.identifier)}/logfile`,
    ),
  };
}

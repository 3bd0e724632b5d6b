import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One received mail as the inbox keeps it (the raw message sits beside it as <id>.eml). */
export interface StoredMail {
  id: string;
  /** The SMTP envelope's recipients, lower-cased: each one's mailbox holds the mail. */
  recipients: string[];
  from: string;
  to: string[];
  subject: string;
  date: string;
  size: number;
  seen: boolean;
  text: string;
  html: string;
  headers: Record<string, string[]>;
}

const ID = /^\d{8}T\d{6}-\d{4,}$/;

/** Inbucket's message id: the arrival time (UTC) and a sequence number. */
function messageId(now: Date, sequence: number): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${stamp}-${String(sequence).padStart(4, '0')}`;
}

/**
 * A mailbox name matches a recipient as Inbucket's naming allows: the whole address, or its
 * local part (`alice` for alice@example.com).
 */
export function inMailbox(mail: StoredMail, mailbox: string): boolean {
  const name = mailbox.toLowerCase();
  return mail.recipients.some((address) => address === name || address.split('@')[0] === name);
}

/**
 * Mail on disk, one JSON and one .eml file per message, so it survives restarts; read into
 * memory at start (a development inbox holds little).
 */
export class MailStore {
  private readonly mails: StoredMail[] = [];
  private sequence = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.json') || !ID.test(file.slice(0, -5))) continue;
      try {
        this.mails.push(JSON.parse(readFileSync(join(dir, file), 'utf8')) as StoredMail);
      } catch {
        // A half-written file from a crash: the mail is lost, the inbox still starts.
      }
    }
    this.sequence = this.mails.length;
  }

  add(raw: Buffer, mail: Omit<StoredMail, 'id' | 'size' | 'seen'>): StoredMail {
    const stored: StoredMail = {
      ...mail,
      id: messageId(new Date(), ++this.sequence),
      size: raw.length,
      seen: false,
    };
    writeFileSync(join(this.dir, `${stored.id}.eml`), raw);
    this.write(stored);
    this.mails.push(stored);
    return stored;
  }

  /** In arrival order, oldest first, as Inbucket lists a mailbox. */
  list(mailbox?: string): StoredMail[] {
    return mailbox === undefined ? [...this.mails] : this.mails.filter((m) => inMailbox(m, mailbox));
  }

  get(id: string): StoredMail | undefined {
    return this.mails.find((m) => m.id === id);
  }

  source(id: string): Buffer | undefined {
    if (!this.get(id)) return undefined;
    return readFileSync(join(this.dir, `${id}.eml`));
  }

  markSeen(mail: StoredMail): void {
    if (mail.seen) return;
    mail.seen = true;
    this.write(mail);
  }

  delete(id: string): boolean {
    const index = this.mails.findIndex((m) => m.id === id);
    if (index < 0) return false;
    this.mails.splice(index, 1);
    rmSync(join(this.dir, `${id}.json`), { force: true });
    rmSync(join(this.dir, `${id}.eml`), { force: true });
    return true;
  }

  /** Deletes one mailbox's mail, or everything without a name. */
  clear(mailbox?: string): number {
    const doomed = this.list(mailbox);
    for (const mail of doomed) this.delete(mail.id);
    return doomed.length;
  }

  /** Written aside and renamed, so a crash never leaves a torn JSON file. */
  private write(mail: StoredMail) {
    const file = join(this.dir, `${mail.id}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(mail));
    renameSync(`${file}.tmp`, file);
  }
}

import nodemailer from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';

export type MailMessage = { to: string; subject: string; body: string };

/** The process edge for e-mail: SMTP in production, the log in development, memory in tests. */
export type MailTransport = { send: (message: MailMessage) => Promise<void> };

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    send: async ({ to, subject, body }) => {
      await transporter.sendMail({ from, to, subject, text: body });
    },
  };
}

export function logTransport(log: Pick<FastifyBaseLogger, 'info'>): MailTransport {
  return {
    send: async (message) => {
      log.info({ mail: message }, `e-mail to ${message.to}: ${message.subject}`);
    },
  };
}

export type MemoryTransport = MailTransport & { sent: MailMessage[] };

export function memoryTransport(): MemoryTransport {
  const sent: MailMessage[] = [];
  return { sent, send: async (message) => void sent.push(message) };
}

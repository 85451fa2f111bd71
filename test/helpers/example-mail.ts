import { startDnsServer } from './dns-server';
import { startPostfix } from './postfix';
import { startSmtpServers } from './smtp-servers';

/**
 * The mail world the documentation's examples talk about, on loopback: example.org and
 * example.com with MX mx1.example.org (127.0.0.2) and mx2.example.net (127.0.0.1),
 * example.net with only an A record (127.0.0.3), accepting SMTP servers on all three,
 * and Postfix on 127.0.0.1 flushing example.org and example.com for ETRN.
 */
export interface ExampleMail {
  /** For PIPEKIT_NAMESERVER. */
  nameserver: string;
  /** For PIPEKIT_SMTP_PORT in mxprobe examples. */
  smtpPort: number;
  /** For PIPEKIT_SMTP_PORT in etrn examples. */
  postfixPort: number;
  close(): Promise<void>;
}

export async function startExampleMail(): Promise<ExampleMail> {
  const postfix = await startPostfix(['example.org', 'example.com']);
  const { port, servers } = await startSmtpServers([{ behaviour: 'accept' }, { behaviour: 'accept' }, { behaviour: 'accept' }], 1);
  const dns = await startDnsServer({
    'example.org': { mx: [[10, 'mx1.example.org'], [20, 'mx2.example.net']] },
    'example.com': { mx: [[10, 'mx1.example.org'], [20, 'mx2.example.net']] },
    'example.net': { a: ['127.0.0.3'] },
    'mx1.example.org': { a: ['127.0.0.2'] },
    'mx2.example.net': { a: ['127.0.0.1'] },
  });
  return {
    nameserver: dns.nameserver,
    smtpPort: port,
    postfixPort: postfix.port,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      await dns.close();
      await postfix.stop();
    },
  };
}

// The same-run baseline of the HTTP benches: a bare fastify reply, in a process of its own like
// the real server, on the port given in PORT. Plain JavaScript, so nothing is compiled on load.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/api/health', async () => ({ ok: true }));
app.get('/bare', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });

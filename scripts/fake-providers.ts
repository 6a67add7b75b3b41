// Starts the Fonnte, GoHighLevel and OpenAI fakes on fixed ports, to run the service against them
// by hand: `npx bun scripts/fake-providers.ts`, then point the integrations' baseUrl at them
// (with ALLOW_PRIVATE_INTEGRATION_URLS=true).
import { startFakeFonnte } from '../tests/helpers/fake-fonnte';
import { startFakeGhl } from '../tests/helpers/fake-ghl';
import { startFakeOpenAI } from '../tests/helpers/fake-openai';

const fonnte = startFakeFonnte({ port: 4010 });
const ghl = startFakeGhl({ port: 4011 });
const openai = startFakeOpenAI({ port: 4012 });

console.log(`Fonnte       ${fonnte.url}      token: ${fonnte.token}  device: ${fonnte.device}`);
console.log(`GoHighLevel  ${ghl.url}      token: ${ghl.token}  locationId: ${ghl.locationId}`);
console.log(`OpenAI       ${openai.baseURL}   apiKey: ${openai.apiKey}`);

// Print each request once as it arrives, so a hand run shows what the service sent where.
const fakes = [
  { name: 'fonnte', fake: fonnte, seen: 0 },
  { name: 'ghl', fake: ghl, seen: 0 },
  { name: 'openai', fake: openai, seen: 0 },
];
const timer = setInterval(() => {
  for (const entry of fakes) {
    for (const r of entry.fake.requests.slice(entry.seen)) {
      console.log(`${entry.name.padEnd(7)} ${r.method} ${r.path} ${r.rawBody.slice(0, 200)}`);
    }
    entry.seen = entry.fake.requests.length;
  }
}, 500);

async function shutdown() {
  clearInterval(timer);
  await Promise.all([fonnte.close(), ghl.close(), openai.close()]);
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

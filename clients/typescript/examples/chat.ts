// Asks amazon-chat one question, then streams the answer to another.
//
//   npm run example -- [TARGET]     # TARGET defaults to 127.0.0.1:8000; API key from API_KEY
import { Code, ConnectError, createAmazonChatClient } from "../src/index.js";

const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

const client = createAmazonChatClient({
  target: process.argv[2] ?? "127.0.0.1:8000",
  apiKey: process.env.API_KEY,
  timeoutMs: 30_000,
});
try {
  console.log(await client.chat(MODEL, "Say hello in one sentence."));
  for await (const text of client.streamChat(MODEL, "Now count to five.")) process.stdout.write(text);
  process.stdout.write("\n");
} catch (err) {
  if (!(err instanceof ConnectError)) throw err;
  console.error(`error: ${Code[err.code]}: ${err.rawMessage}`);
  process.exitCode = 1;
} finally {
  client.close();
}

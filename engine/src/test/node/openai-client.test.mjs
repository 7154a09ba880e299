// The official openai package (pinned in package.json) against `tandem serve`, run by
// OpenAiNodeClientTest with the server's address, key, model and the greedy reference text
// (`tandem run --temperature 0` of GREEDY_PROMPT for GREEDY_TOKENS tokens) in the environment.
import test from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const { BASE_URL, API_KEY, MODEL, GREEDY_PROMPT, GREEDY_TEXT } = process.env;
const GREEDY_TOKENS = Number(process.env.GREEDY_TOKENS);
const TIMEOUT = { timeout: 60_000 };

function client(apiKey = API_KEY) {
  return new OpenAI({ baseURL: BASE_URL, apiKey, maxRetries: 0, timeout: 30_000 });
}

const greedy = { model: MODEL, prompt: GREEDY_PROMPT, max_tokens: GREEDY_TOKENS, temperature: 0 };
const chatRequest = {
  model: MODEL,
  temperature: 0,
  max_tokens: 24,
  messages: [
    { role: 'system', content: 'You tell short stories.' },
    { role: 'user', content: 'Tell me about a cat.' },
  ],
};

async function streamedText(stream, pick) {
  let text = '';
  for await (const chunk of stream) if (chunk.choices.length > 0) text += pick(chunk.choices[0]) ?? '';
  return text;
}

test('models.list names the served model', TIMEOUT, async () => {
  const ids = [];
  for await (const model of client().models.list()) ids.push(model.id);
  assert.deepEqual(ids, [MODEL]);
});

test('non-streaming completion is the greedy text of tandem run', TIMEOUT, async () => {
  const completion = await client().completions.create(greedy);
  assert.equal(completion.object, 'text_completion');
  assert.equal(completion.choices[0].text, GREEDY_TEXT);
  assert.equal(completion.choices[0].finish_reason, 'length');
  assert.equal(completion.usage.completion_tokens, GREEDY_TOKENS);
  assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + GREEDY_TOKENS);
});

test('streaming completion carries the same greedy text', TIMEOUT, async () => {
  const stream = await client().completions.create({ ...greedy, stream: true });
  assert.equal(await streamedText(stream, (c) => c.text), GREEDY_TEXT);
});

test('chat: streamed deltas add up to the non-streamed message, usage chunk last', TIMEOUT, async () => {
  const whole = await client().chat.completions.create(chatRequest);
  const message = whole.choices[0].message;
  assert.equal(message.role, 'assistant');
  assert.ok(message.content.length > 0);
  assert.ok(whole.usage.completion_tokens <= 24);

  const stream = await client().chat.completions.create({ ...chatRequest, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    if (chunk.choices.length === 0) continue;
    text += chunk.choices[0].delta.content ?? '';
    finish = chunk.choices[0].finish_reason ?? finish;
  }
  assert.equal(text, message.content);
  assert.equal(finish, whole.choices[0].finish_reason);
  assert.deepEqual(usage, whole.usage);
});

// That the server then cancels the generation is ClientConnectionTest's job: with a model this fast, the
// generation may end before the server's next write finds the connection closed.
test('aborting mid-stream ends the stream and the server serves on', TIMEOUT, async () => {
  const controller = new AbortController();
  const stream = await client().chat.completions.create(
    { ...chatRequest, max_tokens: 150, temperature: 0.8, stream: true },
    { signal: controller.signal },
  );
  let chunks = 0;
  try {
    for await (const chunk of stream) {
      chunks += 1;
      if (chunks === 3) controller.abort();
    }
  } catch (e) {
    // the SDK ends the loop quietly on an abort; older versions throw APIUserAbortError
    assert.ok(e instanceof OpenAI.APIUserAbortError || e.name === 'AbortError', String(e));
  }
  assert.ok(chunks >= 3, `${chunks} chunks`); // chunks already received may still be delivered after the abort
  const after = await client().completions.create(greedy);
  assert.equal(after.choices[0].text, GREEDY_TEXT);
});

test('8 concurrent clients all get the greedy text', TIMEOUT, async () => {
  const requests = Array.from({ length: 8 }, async (_, i) => {
    if (i % 2 === 0) return (await client().completions.create(greedy)).choices[0].text;
    return streamedText(await client().completions.create({ ...greedy, stream: true }), (c) => c.text);
  });
  const texts = await Promise.all(requests);
  assert.deepEqual(texts, Array(8).fill(GREEDY_TEXT));
});

test('a wrong or missing key is an AuthenticationError (401, invalid_api_key)', TIMEOUT, async () => {
  for (const key of ['wrong-key', '']) {
    await assert.rejects(client(key || 'x').chat.completions.create(chatRequest, key ? {} : { headers: { Authorization: null } }), (e) => {
      assert.ok(e instanceof OpenAI.AuthenticationError, String(e));
      assert.equal(e.status, 401);
      assert.equal(e.code, 'invalid_api_key');
      return true;
    });
  }
});

test('malformed JSON is a 400 in OpenAI\'s error shape', TIMEOUT, async () => {
  const response = await fetch(`${BASE_URL}/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    body: '{"model": "' + MODEL + '", "messages": [',
  });
  assert.equal(response.status, 400);
  const body = await response.json();
  assert.deepEqual(Object.keys(body.error), ['message', 'type', 'param', 'code']);
  assert.equal(body.error.type, 'invalid_request_error');
});

test('bad requests surface as the SDK\'s typed errors', TIMEOUT, async () => {
  await assert.rejects(client().chat.completions.create({ ...chatRequest, model: 'gpt-4o' }), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError, String(e));
    assert.equal(e.code, 'model_not_found');
    return true;
  });
  await assert.rejects(client().chat.completions.create({ ...chatRequest, temperature: 5 }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError, String(e));
    assert.equal(e.param, 'temperature');
    return true;
  });
  await assert.rejects(client().completions.create({ ...greedy, prompt: 'Once upon a time '.repeat(100) }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError, String(e));
    assert.equal(e.code, 'context_length_exceeded');
    return true;
  });
});

package tandem.app.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.concurrent.AppExecutors;
import tandem.app.fakes.FakeModel;
import tandem.app.fakes.QueuedExecutor;
import tandem.app.settings.ContextPolicy;
import tandem.app.settings.SettingsService;
import tandem.app.store.JsonStore;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.StopReason;

class ChatViewModelTest {
    @TempDir Path dir;
    private final ReadOnlyObjectWrapper<LoadedModel> loaded = new ReadOnlyObjectWrapper<>();

    private ChatViewModel chat(Executor ui) {
        JsonStore<ChatHistory> store = ChatHistory.store(dir.resolve("history.json"));
        SettingsService settings = new SettingsService(dir.resolve("settings.json"), Runnable::run);
        return new ChatViewModel(new AppExecutors(Runnable::run, Runnable::run, ui), loaded.getReadOnlyProperty(), store, settings);
    }

    private static MessageViewModel lastMessage(ChatViewModel chat) {
        return chat.selectedProperty().get().messages().getLast();
    }

    @Test
    void manyStreamedTokensBecomeFewUiUpdatesAndTheWholeAnswer() {
        FakeModel model = new FakeModel(500);
        loaded.set(model);
        QueuedExecutor ui = new QueuedExecutor();
        ChatViewModel chat = chat(ui);
        chat.newConversation();
        chat.inputProperty().set("Tell me a story");
        ui.runAll();
        int before = ui.submitted();

        chat.send(); // the fake engine generates all 500 tokens before the UI runs anything

        assertEquals(2, ui.submitted() - before, "one batched drain for 500 tokens, plus the final update");
        assertTrue(chat.generatingProperty().get());
        ui.runOne();
        assertEquals(model.fullAnswer(), lastMessage(chat).text(), "the drain delivers every token in order");
        assertTrue(lastMessage(chat).streamingProperty().get());
        ui.runAll();
        assertFalse(chat.generatingProperty().get());
        GenerationStats stats = lastMessage(chat).statsProperty().get();
        assertEquals(new GenerationStats(500, 250.0, 12.0, StopReason.END_OF_TEXT), stats);
    }

    @Test
    void aTemplateWithoutSystemPromptsIsSaidWhileItsModelAnswers() {
        ChatViewModel chat = chat(Runnable::run);
        FakeModel phiLike = new FakeModel(3);
        phiLike.templateWithoutSystem = true;
        loaded.set(phiLike);
        assertTrue(chat.systemPromptIgnoredProperty().get(), "the template drops system prompts");
        loaded.set(new FakeModel(3));
        assertFalse(chat.systemPromptIgnoredProperty().get(), "this template keeps them");
        loaded.set(phiLike);
        assertTrue(chat.systemPromptIgnoredProperty().get());
        chat.remoteProperty().set(new tandem.app.engine.RemoteChat() {
            @Override
            public tandem.engine.api.GenerationResult chat(List<tandem.engine.api.ChatMessage> c, tandem.engine.api.SamplingParams p,
                                                           tandem.engine.api.TokenListener l) { throw new UnsupportedOperationException(); }
            @Override public void cancel() { }
            @Override public String describe() { return "remote"; }
        });
        assertFalse(chat.systemPromptIgnoredProperty().get(), "a remote engine renders with its own template");
        loaded.set(null);
        chat.remoteProperty().set(null);
        assertFalse(chat.systemPromptIgnoredProperty().get(), "no model, nothing to say");
    }

    @Test
    void thePromptIsTheWholeConversationThroughTheModelsTemplate() {
        FakeModel model = new FakeModel(3);
        loaded.set(model);
        ChatViewModel chat = chat(Runnable::run);
        chat.newConversation().systemPromptProperty().set("Be brief.");
        chat.inputProperty().set("Hi");
        chat.send();
        chat.inputProperty().set("Again");
        chat.send();
        String prompt = "system: Be brief.\nuser: Hi\nassistant: t0 t1 t2 \nuser: Again\nassistant:";
        assertEquals(prompt, model.lastPrompt);
        assertEquals(1, model.sessionsCreated, "one session per loaded model");
        // The cache held "...assistant:" + "t0 t1 t2 "; the template writes "assistant: t0 ...", so the
        // shared prefix ends at the colon and only the rest is evaluated again.
        int shared = "system: Be brief.\nuser: Hi\nassistant:".length();
        assertEquals(prompt.length() - shared, model.lastEvaluated);
    }

    @Test
    void stopPressedBeforeTheFirstTokenEndsTheAnswerAsCancelled() {
        FakeModel model = new FakeModel(500);
        loaded.set(model);
        QueuedExecutor engine = new QueuedExecutor();
        JsonStore<ChatHistory> store = ChatHistory.store(dir.resolve("history.json"));
        ChatViewModel chat = new ChatViewModel(new AppExecutors(Runnable::run, engine, Runnable::run), loaded.getReadOnlyProperty(),
                store, new SettingsService(dir.resolve("settings.json"), Runnable::run));
        chat.inputProperty().set("Tell me a story");
        chat.send();
        chat.stop(); // Esc, before the engine thread has started the generation
        engine.runAll();

        GenerationStats stats = lastMessage(chat).statsProperty().get();
        assertEquals(StopReason.CANCELLED, stats.stopReason());
        assertTrue(stats.generatedTokens() <= 1, "stopped after at most one token, got " + stats.generatedTokens());
        assertFalse(chat.generatingProperty().get());
    }

    @Test
    void regenerateReplacesTheLastAnswerAndResendForgetsWhatFollowed() {
        FakeModel model = new FakeModel(2);
        loaded.set(model);
        ChatViewModel chat = chat(Runnable::run);
        chat.inputProperty().set("First");
        chat.send();
        chat.inputProperty().set("Second");
        chat.send();
        List<MessageViewModel> messages = chat.selectedProperty().get().messages();
        assertEquals(4, messages.size());

        chat.regenerate();
        assertEquals(4, messages.size());
        assertEquals("user: First\nassistant: t0 t1 \nuser: Second\nassistant:", model.lastPrompt);

        chat.resend(messages.getFirst(), "Changed");
        assertEquals(2, messages.size());
        assertEquals("Changed", messages.getFirst().text());
        assertEquals("user: Changed\nassistant:", model.lastPrompt);
    }

    @Test
    void historyIsSavedAndReopened() {
        loaded.set(new FakeModel(2));
        ChatViewModel chat = chat(Runnable::run);
        chat.newConversation().systemPromptProperty().set("You tell stories.");
        chat.inputProperty().set("A story about a cat please");
        chat.send();

        assertEquals("A story about a cat please", chat.conversations().getFirst().titleProperty().get(), "named after the question");
        chat.rename(chat.conversations().getFirst(), "  Cat story ");

        ChatViewModel reopened = chat(Runnable::run);
        assertEquals(1, reopened.conversations().size());
        ConversationViewModel c = reopened.conversations().getFirst();
        assertEquals("Cat story", c.titleProperty().get());
        assertEquals("You tell stories.", c.systemPromptProperty().get());
        assertEquals(List.of("A story about a cat please", "t0 t1 "), c.messages().stream().map(MessageViewModel::text).toList());
        assertNotNull(c.messages().getLast().statsProperty().get());
        assertEquals("", reopened.noticeProperty().get());
    }

    @Test
    void aCorruptHistoryIsSetAsideWithANotice() throws IOException {
        Files.writeString(dir.resolve("history.json"), "{\"conversations\": [ {\"messages\": 7 ");
        ChatViewModel chat = chat(Runnable::run);
        assertTrue(chat.conversations().isEmpty());
        assertTrue(chat.noticeProperty().get().contains("history.json.corrupt-"), chat.noticeProperty().get());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("history.json.corrupt-")).count());
        }
    }

    /** Issue 16, defect 5: one damaged conversation, then a file cut short, cost only what is damaged. */
    @Test
    void aDamagedHistoryKeepsEveryIntactConversationAndTheNoticeNamesTheSetAsideFile() throws IOException {
        String good = "{\"id\": \"%s\", \"title\": \"%s\", \"systemPrompt\": \"\", "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"Hi %s\"}]}";
        String damaged = "{\"id\": \"bad\", \"title\": \"broken\", \"messages\": 7}";
        String cutShort = "{\"id\": \"cut\", \"title\": \"cut\", \"messages\": [{\"role\": \"user\", \"content\": \"Once up";
        Files.writeString(dir.resolve("history.json"), "{\"conversations\": ["
                + good.formatted("a", "First", "a") + ", " + damaged + ", " + good.formatted("c", "Third", "c") + ", " + cutShort);

        ChatViewModel chat = chat(Runnable::run);

        assertEquals(List.of("First", "Third"), chat.conversations().stream().map(c -> c.titleProperty().get()).toList());
        assertEquals("Hi c", chat.conversations().get(1).messages().getFirst().text());
        String notice = chat.noticeProperty().get();
        Path aside;
        try (var files = Files.list(dir)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("history.json.corrupt-")).findFirst().orElseThrow();
        }
        assertTrue(notice.contains(aside.toString()) && notice.contains("2 conversations"), notice);
        loaded.set(new FakeModel(1));
        assertEquals(notice, chat.noticeProperty().get(), "loading a model does not hide it: the user closes it");
        chat.dismissNotice();
        assertEquals("", chat.noticeProperty().get());
    }

    @Test
    void nothingIsSentWithoutAModel() {
        ChatViewModel chat = chat(Runnable::run);
        chat.inputProperty().set("Hello?");
        assertFalse(chat.canSendProperty().get());
        chat.send();
        assertTrue(chat.conversations().isEmpty());
    }

    private ChatViewModel chatWithPolicy(ContextPolicy policy) {
        ChatViewModel chat = chat(Runnable::run);
        chat.contextPolicyProperty().set(policy);
        return chat;
    }

    /** Issue 16, defect 3: the meter shows how full the context is; the rolling window keeps the chat going. */
    @Test
    void aFullContextRollsTheOldestTurnsOutKeepsTheSystemPromptAndSaysSo() {
        FakeModel model = new FakeModel(4, 200);
        loaded.set(model);
        ChatViewModel chat = chatWithPolicy(ContextPolicy.ROLLING_WINDOW);
        chat.newConversation().systemPromptProperty().set("Be brief.");
        assertEquals(200, chat.contextLengthProperty().get());
        int previous = 0;
        for (int i = 0; i < 6; i++) {
            chat.inputProperty().set("Question number " + i + " is here");
            chat.send();
            MessageViewModel answer = lastMessage(chat);
            assertEquals("", answer.problemProperty().get(), "turn " + i);
            if (answer.noticeProperty().get().isEmpty()) {
                assertTrue(chat.contextUsedProperty().get() > previous, "the meter grows with the conversation");
                previous = chat.contextUsedProperty().get();
            }
        }
        String notice = lastMessage(chat).noticeProperty().get();
        assertTrue(notice.contains("left out") && notice.contains("200 tokens"), notice);
        assertTrue(model.lastPrompt.startsWith("system: Be brief.\nuser: Question number "), model.lastPrompt);
        assertTrue(model.lastPrompt.contains("Question number 5"), "the latest question is always seen");
        assertFalse(model.lastPrompt.contains("Question number 0"), "the oldest turn is left out");
        assertTrue(chat.contextUsedProperty().get() <= 200);
        assertEquals(12, chat.selectedProperty().get().messages().size(), "the conversation itself keeps every message");
    }

    /** The meter follows the answer as it streams, not only once it ends. */
    @Test
    void theContextMeterGrowsWhileTheAnswerStreams() {
        FakeModel model = new FakeModel(5, 400);
        loaded.set(model);
        ChatViewModel chat = chat(Runnable::run);
        chat.newConversation();
        List<Integer> seenWhileStreaming = new ArrayList<>();
        chat.contextUsedProperty().addListener((o, was, now) -> {
            if (chat.generatingProperty().get()) seenWhileStreaming.add(now.intValue());
        });
        chat.inputProperty().set("How full is it?");
        chat.send();
        assertEquals("", lastMessage(chat).problemProperty().get());
        assertTrue(seenWhileStreaming.size() >= 2, "the meter moved while the answer streamed: " + seenWhileStreaming);
        for (int i = 1; i < seenWhileStreaming.size(); i++) {
            assertTrue(seenWhileStreaming.get(i) > seenWhileStreaming.get(i - 1), "it only grows: " + seenWhileStreaming);
        }
        assertEquals(seenWhileStreaming.getLast(), chat.contextUsedProperty().get(), "it ends where the streaming left it");
    }

    @Test
    void withTheStopPolicyAFullContextIsRefusedWithAReadableReasonAndTheChoiceIsSaved() {
        loaded.set(new FakeModel(4, 120));
        ChatViewModel chat = chatWithPolicy(ContextPolicy.STOP);
        chat.newConversation();
        String problem = "";
        for (int i = 0; i < 10 && problem.isEmpty(); i++) {
            chat.inputProperty().set("Question number " + i + " is here");
            chat.send();
            problem = lastMessage(chat).problemProperty().get();
        }
        assertTrue(problem.startsWith("This conversation fills the model's context") && problem.contains("rolling window"), problem);
        assertEquals(ContextPolicy.STOP, chat(Runnable::run).contextPolicyProperty().get(), "the choice survives a restart");
    }
}

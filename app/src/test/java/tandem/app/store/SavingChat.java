package tandem.app.store;

import javafx.beans.property.ReadOnlyObjectWrapper;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatViewModel;
import tandem.app.concurrent.AppExecutors;
import tandem.app.settings.AppSettings;
import tandem.app.settings.ContextPolicy;
import tandem.app.settings.SettingsService;
import tandem.engine.api.LoadedModel;

/**
 * The chat view model the save tests drive: no model, and every save and notice on the calling
 * thread, so a failed save has set its notice by the time the change returns.
 */
final class SavingChat {
    private SavingChat() {}

    static ChatViewModel over(JsonStore<ChatHistory> history, JsonStore<AppSettings> settings) {
        return new ChatViewModel(new AppExecutors(Runnable::run, Runnable::run, Runnable::run),
                new ReadOnlyObjectWrapper<LoadedModel>().getReadOnlyProperty(), history,
                new SettingsService(settings, Runnable::run));
    }

    /** A settings change the view model saves at once: the context policy becomes one it is not. */
    static void changeASetting(ChatViewModel chat) {
        ContextPolicy other = chat.contextPolicyProperty().get() == ContextPolicy.values()[0]
                ? ContextPolicy.values()[1] : ContextPolicy.values()[0];
        chat.contextPolicyProperty().set(other);
    }
}

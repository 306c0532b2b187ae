namespace AiOs.Dashboard.Tests.Infrastructure;

/// <summary>A grain with stored state and a reminder, for the inspector and the call charts.</summary>
public interface INoteGrain : IGrainWithStringKey
{
    Task Write(string text);

    Task<string> Read();

    Task Ping();
}

public sealed class Note
{
    public string Text { get; set; } = "";
}

[GrainType("note")]
public sealed class NoteGrain([PersistentState("note")] IPersistentState<Note> note) : Grain, INoteGrain, IRemindable
{
    public async Task Write(string text)
    {
        note.State.Text = text;
        await note.WriteStateAsync();
        await RegisterOrUpdateReminder("follow-up", TimeSpan.FromHours(1), TimeSpan.FromHours(1));
    }

    public Task<string> Read() => Task.FromResult(note.State.Text);

    public Task Ping() => Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

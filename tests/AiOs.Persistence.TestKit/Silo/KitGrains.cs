using System.Collections.Concurrent;

namespace AiOs.Persistence.TestKit.Silo;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();

    Task<bool> Exists();

    Task<string?> ETag();

    Task Clear();

    Task<string> Note();
}

/// <summary>State of <see cref="CounterGrain"/>. <see cref="Note"/> and <see cref="Tags"/> play the part of fields added
/// after rows were written.</summary>
public sealed class CounterState
{
    public int Count { get; set; }

    public string Note { get; set; } = "default note";

    public List<string> Tags { get; set; } = [];
}

[GrainType("kit-counter")]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> Get() => Task.FromResult(state.State.Count);

    public Task<bool> Exists() => Task.FromResult(state.RecordExists);

    public Task<string?> ETag() => Task.FromResult(state.ETag);

    public Task Clear() => state.ClearStateAsync();

    public Task<string> Note() => Task.FromResult(state.State.Note);
}

public interface IProfileGrain : IGrainWithStringKey
{
    Task Set(string name, ICounterGrain friend);

    Task<string> Name();

    Task<int> VisitFriend();

    Task<int> Visits();
}

public sealed class ProfileState
{
    public string Name { get; set; } = "";

    public ICounterGrain? Friend { get; set; }
}

public sealed class VisitState
{
    public int Visits { get; set; }
}

/// <summary>Two named states, and a grain reference stored in state.</summary>
[GrainType("kit-profile")]
public sealed class ProfileGrain(
    [PersistentState("profile")] IPersistentState<ProfileState> profile,
    [PersistentState("visits")] IPersistentState<VisitState> visits) : Grain, IProfileGrain
{
    public async Task Set(string name, ICounterGrain friend)
    {
        profile.State.Name = name;
        profile.State.Friend = friend;
        await profile.WriteStateAsync();
    }

    public Task<string> Name() => Task.FromResult(profile.State.Name);

    public async Task<int> VisitFriend()
    {
        visits.State.Visits++;
        await visits.WriteStateAsync();
        return await profile.State.Friend!.Increment();
    }

    public Task<int> Visits() => Task.FromResult(visits.State.Visits);
}

public interface IReminderGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan due, TimeSpan period);

    Task<bool> Unregister(string name);

    Task<string[]> List();
}

[GrainType("kit-reminder")]
public sealed class ReminderGrain : Grain, IReminderGrain, IRemindable
{
    public async Task Register(string name, TimeSpan due, TimeSpan period) => await RegisterOrUpdateReminder(name, due, period);

    public Task<bool> Unregister(string name) => UnregisterReminder(name);

    public async Task<string[]> List() => (await GetReminders()).Select(r => $"{r.ReminderName}@{r.NextDue:O}/{r.Period}").ToArray();

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.For(GetPrimaryKeyString()).Enqueue((reminderName, status));
        return Task.CompletedTask;
    }
}

/// <summary>Reminder ticks received, by grain key (static: they must outlive a silo restart).</summary>
public static class Ticks
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<(string Name, TickStatus Status)>> All = new();

    public static ConcurrentQueue<(string Name, TickStatus Status)> For(string key) => All.GetOrAdd(key, _ => new());
}

/// <summary>A grain that never implements IRemindable but tries to register a reminder.</summary>
public interface INotRemindableGrain : IGrainWithStringKey
{
    Task Register();
}

[GrainType("kit-not-remindable")]
public sealed class NotRemindableGrain : Grain, INotRemindableGrain
{
    public Task Register() => RegisterOrUpdateReminder("r", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
}

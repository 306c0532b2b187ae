using System.Collections.Concurrent;

namespace AiOs.Api.Tests.Infrastructure;

/// <summary>A grain whose call completes only when the test releases it: a call to it otherwise ends by its deadline.</summary>
public interface IWaitingGrain : IGrainWithStringKey
{
    Task<string> WaitUntilReleased();
}

public sealed class WaitingGrain : Grain, IWaitingGrain
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();

    /// <summary>Lets the calls of grain <paramref name="key"/> finish (so that the silo can stop).</summary>
    public static void Release(string key) => Gate(key).TrySetResult();

    public async Task<string> WaitUntilReleased()
    {
        await Gate(GetPrimaryKeyString()).Task;
        return "released";
    }

    private static TaskCompletionSource Gate(string key) => Gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

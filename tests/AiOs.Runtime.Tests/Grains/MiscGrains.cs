namespace AiOs.Runtime.Tests.Grains;

public interface IFaultyGrain : IGrainWithStringKey
{
    Task Throw(string message);

    Task<int> Add(int a, int b);

    ValueTask<string?> MaybeName(string? name);

    ValueTask Nothing();
}

public sealed class FaultyGrain : Grain, IFaultyGrain
{
    public Task Throw(string message) => throw new InvalidOperationException(message);

    public Task<int> Add(int a, int b) => Task.FromResult(a + b);

    public ValueTask<string?> MaybeName(string? name) => ValueTask.FromResult(name);

    public ValueTask Nothing() => ValueTask.CompletedTask;
}

/// <summary>A grain whose constructor needs a service the silo does not have.</summary>
public interface INeedsServiceGrain : IGrainWithStringKey
{
    Task Ping();
}

public sealed class NeedsServiceGrain(IUnregisteredService service) : Grain, INeedsServiceGrain
{
    public Task Ping() => Task.FromResult(service);
}

public interface IUnregisteredService;

/// <summary>Reports what an async-local of its caller looks like from inside the grain.</summary>
public interface IAmbientGrain : IGrainWithStringKey
{
    Task<string?> SeenAmbient();

    /// <summary>Calls the next grain of a chain <paramref name="remaining"/> times deep; returns the depth reached.</summary>
    Task<int> Chain(int remaining);
}

public sealed class AmbientGrain : Grain, IAmbientGrain
{
    public static readonly AsyncLocal<string?> Ambient = new();

    public Task<string?> SeenAmbient() => Task.FromResult(Ambient.Value);

    public async Task<int> Chain(int remaining) =>
        remaining == 0 ? 0 : 1 + await GrainFactory.GetGrain<IAmbientGrain>($"{GetPrimaryKeyString().Split('#')[0]}#{remaining}").Chain(remaining - 1);
}

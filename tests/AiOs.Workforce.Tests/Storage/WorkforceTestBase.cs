using AiOs.Testing;
using AiOs.Workforce.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Storage;

/// <summary>Base of the tests that run real silos with the workforce on a storage provider.</summary>
public abstract class WorkforceTestBase(ITestStorage storage, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<TestSilo> _silos = [];

    protected ITestStorage Storage { get; } = storage;

    /// <summary>Starts a silo on <paramref name="database"/> with the workforce's grains and services.</summary>
    protected async Task<TestSilo> StartSiloAsync(string database, Action<IServiceCollection>? services = null, Action<AiOs.Runtime.Hosting.SiloBuilder>? silo = null)
    {
        var started = await TestSilo.StartAsync(
            typeof(CustomerGrain).Assembly,
            silo,
            services: s =>
            {
                Storage.AddStorage(s, database);
                services?.Invoke(s);
            },
            output: output);
        _silos.Add(started);
        return started;
    }

    protected async Task StopSiloAsync(TestSilo silo)
    {
        _silos.Remove(silo);
        await silo.DisposeAsync();
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        _silos.Clear();
        GC.SuppressFinalize(this);
    }

    protected static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}

using AiOs.Runtime.Configuration;
using AiOs.Runtime.Hosting;
using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Persistence.TestKit.Silo;

/// <summary>Base of the tests that run real silos on a storage provider. Subclasses register the provider on their
/// test class's database; silos started one after another share it, as a restarted process would.</summary>
public abstract class SiloStorageTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<TestSilo> _silos = [];

    /// <summary>Registers the provider under test, on this test class's database.</summary>
    protected abstract void AddStorage(IServiceCollection services);

    /// <summary>Reads and writes rows behind the silo's back (the provider instance of the silo under test).</summary>
    protected static IGrainStateStore StoreOf(TestSilo silo) => silo.Services.GetRequiredService<IGrainStateStore>();

    /// <summary>Starts a silo on the test database. Reminders may have periods down to one second here.
    /// <paramref name="services"/> runs after the provider is registered (to wrap what it registered).</summary>
    protected async Task<TestSilo> StartSiloAsync(TimeProvider? time = null, Action<SiloBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        var silo = await TestSilo.StartAsync(
            typeof(CounterGrain).Assembly,
            s =>
            {
                s.Configure<ReminderOptions>(o => o.MinimumPeriod = TimeSpan.FromSeconds(1));
                configure?.Invoke(s);
            },
            s =>
            {
                AddStorage(s);
                services?.Invoke(s);
            },
            time,
            output);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Stops a silo gracefully (its storage provider is disposed with it, releasing the database).</summary>
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

    protected static string NewKey() => Guid.NewGuid().ToString("N");
}

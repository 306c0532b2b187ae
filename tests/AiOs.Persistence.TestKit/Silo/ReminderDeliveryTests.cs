using AiOs.Testing;

namespace AiOs.Persistence.TestKit.Silo;

/// <summary>Durable reminders through real silos on a manual clock.</summary>
public abstract class ReminderDeliveryTests(ITestOutputHelper output) : SiloStorageTestBase(output)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Reminder_FiresEveryPeriod_AsACallThroughTheFilters_AndIsListed()
    {
        var clock = new ManualTimeProvider();
        var kinds = new System.Collections.Concurrent.ConcurrentQueue<GrainCallKind>();
        var silo = await StartSiloAsync(clock, s => s.AddIncomingGrainCallFilter(new KindRecorder(kinds)));
        var key = NewKey();
        var grain = silo.GrainFactory.GetGrain<IReminderGrain>(key);
        await grain.Register("report", Minute, Minute);

        var listed = Assert.Single(await grain.List());
        Assert.StartsWith($"report@{clock.GetUtcNow() + Minute:O}", listed, StringComparison.Ordinal);

        for (var tick = 1; tick <= 3; tick++)
        {
            await AdvanceWhenScheduledAsync(silo, clock, Minute);
            await Eventually.WaitUntilAsync(() => Ticks.For(key).Count == tick, $"tick {tick}");
        }

        Assert.All(Ticks.For(key), t => Assert.False(t.Status.IsCatchUp));
        Assert.Contains(GrainCallKind.Reminder, kinds);
    }

    [Fact]
    public async Task Reminder_SurvivesRestart_AndTicksMissedWhileDownComeAsOneCatchUpTick()
    {
        var clock = new ManualTimeProvider();
        var key = NewKey();
        var silo = await StartSiloAsync(clock);
        var registeredAt = clock.GetUtcNow();
        await silo.GrainFactory.GetGrain<IReminderGrain>(key).Register("follow-up", Minute, Minute);
        await StopSiloAsync(silo);

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30));
        var restarted = await StartSiloAsync(clock);

        // One tick at once, for the ten that fell due while the silo was down; the next one is on the grid after now.
        await Eventually.WaitUntilAsync(() => Ticks.For(key).Count == 1, "the catch-up tick");
        var (name, status) = Assert.Single(Ticks.For(key));
        Assert.Equal("follow-up", name);
        Assert.True(status.IsCatchUp);
        Assert.Equal(registeredAt + Minute, status.ScheduledTime);
        var expectedNext = registeredAt + TimeSpan.FromMinutes(11);
        await Eventually.WaitUntilAsync(async () => (await ReminderRowAsync(restarted, key, "follow-up"))?.NextDue == expectedNext, "the delivery was recorded");
        Assert.Single(Ticks.For(key));

        clock.Advance(expectedNext - clock.GetUtcNow());
        await Eventually.WaitUntilAsync(() => Ticks.For(key).Count == 2, "the next regular tick");
        Assert.False(Ticks.For(key).Last().Status.IsCatchUp);
    }

    [Fact]
    public async Task UnregisteredReminder_StopsFiring_AndIsGoneAfterRestart()
    {
        var clock = new ManualTimeProvider();
        var key = NewKey();
        var silo = await StartSiloAsync(clock);
        var grain = silo.GrainFactory.GetGrain<IReminderGrain>(key);
        await grain.Register("r", Minute, Minute);

        Assert.True(await grain.Unregister("r"));
        Assert.False(await grain.Unregister("r"));
        Assert.Empty(await grain.List());
        Assert.DoesNotContain(silo.Runtime.ScheduledReminders, r => r.GrainId.Key == key);

        await StopSiloAsync(silo);
        var restarted = await StartSiloAsync(clock);
        Assert.Empty(await restarted.GrainFactory.GetGrain<IReminderGrain>(key).List());
        Assert.DoesNotContain(restarted.Runtime.ScheduledReminders, r => r.GrainId.Key == key);
    }

    [Fact]
    public async Task ReminderPeriodBelowTheMinimum_IsRefusedNamingTheSetting()
    {
        var silo = await StartSiloAsync(new ManualTimeProvider());

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            silo.GrainFactory.GetGrain<IReminderGrain>(NewKey()).Register("r", TimeSpan.Zero, TimeSpan.FromMilliseconds(500)));

        Assert.Contains("AiOs:Reminders:MinimumPeriod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrainThatIsNotRemindable_CannotRegisterAReminder()
    {
        var silo = await StartSiloAsync(new ManualTimeProvider());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => silo.GrainFactory.GetGrain<INotRemindableGrain>(NewKey()).Register());

        Assert.Contains("IRemindable", error.Message, StringComparison.Ordinal);
    }

    private static async Task<ReminderEntry?> ReminderRowAsync(TestSilo silo, string key, string name) =>
        await ((IReminderTable)silo.Services.GetService(typeof(IReminderTable))!).ReadAsync(new GrainId("kit-reminder", key), name);

    // The silo re-arms a reminder after recording a delivery; advancing the manual clock before the new timer exists would
    // push the tick a whole period later. ScheduledReminders lists armed reminders only.
    private static async Task AdvanceWhenScheduledAsync(TestSilo silo, ManualTimeProvider clock, TimeSpan by)
    {
        await Eventually.WaitUntilAsync(() => silo.Runtime.ScheduledReminders.All(r => r.NextDue > clock.GetUtcNow()), "the reminders are scheduled ahead");
        clock.Advance(by);
    }

    private sealed class KindRecorder(System.Collections.Concurrent.ConcurrentQueue<GrainCallKind> kinds) : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            kinds.Enqueue(context.Kind);
            return context.Invoke();
        }
    }
}

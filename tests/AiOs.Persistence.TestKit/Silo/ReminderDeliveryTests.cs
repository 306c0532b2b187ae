using AiOs.Runtime.Configuration;
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

    // The refresh re-reads the table on the same one-minute grid as these reminders, so it can read a row just before a
    // tick is recorded and hand it over just after. The held read makes that order certain.
    [Fact]
    public async Task RefreshThatReadTheRowsBeforeATickWasRecorded_DoesNotDeliverThatTickAgain()
    {
        var (silo, clock, reads, log) = await StartWithHeldReadsAsync();
        var key = NewKey();
        var registeredAt = clock.GetUtcNow();
        await silo.GrainFactory.GetGrain<IReminderGrain>(key).Register("report", Minute, Minute);

        var hold = reads.HoldNextPartitionRead();
        clock.Advance(Minute);
        await Eventually.WaitUntilAsync(() => ArmedFor(silo, key)?.NextDue == registeredAt + (2 * Minute), "the first tick recorded and the second armed");
        await ReleaseAndWaitForTheLoadAsync(hold, log);

        await AdvanceWhenScheduledAsync(silo, clock, Minute);
        await Eventually.WaitUntilAsync(() => Ticks.For(key).Any(t => t.Status.ScheduledTime == registeredAt + (2 * Minute)), "the second tick");
        Assert.Equal([registeredAt + Minute, registeredAt + (2 * Minute)], Ticks.For(key).Select(t => t.Status.ScheduledTime));
    }

    [Fact]
    public async Task RefreshThatReadTheRowsBeforeAnUnregister_DoesNotBringTheReminderBack()
    {
        var (silo, clock, reads, log) = await StartWithHeldReadsAsync();
        var key = NewKey();
        var grain = silo.GrainFactory.GetGrain<IReminderGrain>(key);
        await grain.Register("gone", 5 * Minute, 5 * Minute);
        await grain.Register("control", 6 * Minute, 6 * Minute);

        var hold = reads.HoldNextPartitionRead();
        clock.Advance(Minute);
        await hold.Read;
        Assert.True(await grain.Unregister("gone"));
        await ReleaseAndWaitForTheLoadAsync(hold, log);

        Assert.DoesNotContain(silo.Runtime.ScheduledReminders, r => r.GrainId.Key == key && r.Name == "gone");
        // Had it come back, its tick (due a minute earlier) would reach the grain before the control's.
        await AdvanceWhenScheduledAsync(silo, clock, 5 * Minute);
        await Eventually.WaitUntilAsync(() => !Ticks.For(key).IsEmpty, "the control tick");
        Assert.Equal(["control"], Ticks.For(key).Select(t => t.Name));
    }

    [Fact]
    public async Task RefreshThatReadTheRowsBeforeARegistration_LeavesTheNewReminderArmed()
    {
        var (silo, clock, reads, log) = await StartWithHeldReadsAsync();
        var key = NewKey();
        var grain = silo.GrainFactory.GetGrain<IReminderGrain>(key);

        var hold = reads.HoldNextPartitionRead();
        clock.Advance(Minute);
        await hold.Read;
        await grain.Register("new", Minute, Minute);
        await ReleaseAndWaitForTheLoadAsync(hold, log);

        Assert.NotNull(ArmedFor(silo, key));
        await AdvanceWhenScheduledAsync(silo, clock, Minute);
        await Eventually.WaitUntilAsync(() => Ticks.For(key).Count == 1, "the new reminder's first tick");
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

    private async Task<(TestSilo Silo, ManualTimeProvider Clock, HeldReminderReads Reads, LogRecorder Log)> StartWithHeldReadsAsync()
    {
        var clock = new ManualTimeProvider();
        var reads = new HeldReminderReads();
        var log = new LogRecorder();
        var silo = await StartSiloAsync(
            clock,
            s => s.Configure<ReminderOptions>(o => o.RefreshInterval = Minute),
            services =>
            {
                reads.Decorate(services);
                log.AddTo(services, "AiOs.Runtime");
            });
        return (silo, clock, reads, log);
    }

    // The silo logs each load of reminders once it has applied the rows (event 1400); nothing else shows it is done.
    private static async Task ReleaseAndWaitForTheLoadAsync(HeldReminderReads.Hold hold, LogRecorder log)
    {
        const int RemindersLoaded = 1400;
        var before = log.Count(RemindersLoaded);
        hold.Release();
        await Eventually.WaitUntilAsync(() => log.Count(RemindersLoaded) > before, "the refresh applied the rows it read");
    }

    private static ReminderEntry? ArmedFor(TestSilo silo, string key) =>
        silo.Runtime.ScheduledReminders.SingleOrDefault(r => r.GrainId.Key == key);

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

using AiOs.Testing;
using AiOs.Workforce.Policies;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Approvals;

/// <summary>The operator's policy file: applied at start, reloaded when it changes without a restart, and a malformed
/// version refused as a whole with its line while the previous policy stays in force.</summary>
public sealed class PolicyFileTests(SqliteTestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output), IClassFixture<SqliteTestStorage>
{
    private const string First = "rules:\n  - name: first\n    then: auto\n";
    private const string Second = "rules:\n  - name: second\n    when: { action: email.* }\n    then: refused\n";

    [Fact]
    [Trait("Category", "Integration")]
    public async Task PolicyFile_IsAppliedAtStart_ReloadedOnChange_AndAMalformedChangeIsRefusedWithItsLine()
    {
        using var directory = new TempDirectory("aios-policy-file");
        var file = Path.Combine(directory.Path, "policy.yaml");
        await File.WriteAllTextAsync(file, First, TestContext.Current.CancellationToken);
        var silo = await StartSiloAsync(Storage.NewDatabase(), s =>
        {
            s.AddAiOsWorkforce();
            s.Configure<ApprovalOptions>(o => o.PolicyFile = file);
        });
        var policy = silo.GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key);
        var watcher = silo.Services.GetRequiredService<PolicyFileWatcher>();
        await Eventually.WaitUntilAsync(async () => (await policy.Get()).Document == First, "the file's policy is in force after start");
        Assert.Equal("file:" + file, (await policy.Get()).UpdatedBy);

        await File.WriteAllTextAsync(file, Second, TestContext.Current.CancellationToken);
        await Eventually.WaitUntilAsync(async () => (await policy.Get()).Document == Second, "the changed file is in force without a restart");
        var version = (await policy.Get()).Version;

        await File.WriteAllTextAsync(file, "rules:\n  - name: broken\n    then: perhaps\n", TestContext.Current.CancellationToken);
        await Eventually.WaitUntilAsync(() => watcher.LastError is not null, "the malformed file is refused");

        Assert.Equal("policy line 3: then must be auto, needs-approval or refused, not 'perhaps'", watcher.LastError);
        var after = await policy.Get();
        Assert.Equal((Second, version), (after.Document, after.Version));
    }
}

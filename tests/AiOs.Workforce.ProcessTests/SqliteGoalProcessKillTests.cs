namespace AiOs.Workforce.ProcessTests;

public sealed class SqliteGoalProcessKillTests(ITestOutputHelper output) : GoalProcessKillTestsBase(output)
{
    protected override IReadOnlyDictionary<string, string?> StorageSettings(string dataDirectory) =>
        new Dictionary<string, string?> { ["AiOs__Storage"] = "sqlite" };
}

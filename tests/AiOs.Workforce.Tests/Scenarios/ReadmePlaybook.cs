using AiOs.Workforce.Playbooks;
using Microsoft.Extensions.Configuration;

namespace AiOs.Workforce.Tests.Scenarios;

/// <summary>The playbook example of the README (the JSON block after its <c>playbook-example</c> marker), read as the
/// service reads <c>appsettings.json</c>, so that the README shows a format the code really reads.</summary>
public static class ReadmePlaybook
{
    private const string Marker = "<!-- playbook-example";

    public static string Json()
    {
        var readme = File.ReadAllText(FindReadme());
        var start = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has the marker '{Marker}'");
        var open = readme.IndexOf("```json\n", start, StringComparison.Ordinal) + "```json\n".Length;
        return readme[open..readme.IndexOf("```", open, StringComparison.Ordinal)];
    }

    /// <summary>The playbooks the example configures, bound as the host binds <c>AiOs:Workforce</c>.</summary>
    public static IReadOnlyList<Playbook> Playbooks()
    {
        using var json = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Json()));
        var configuration = new ConfigurationBuilder().AddJsonStream(json).Build();
        return configuration.GetSection(WorkforceOptions.SectionName).Get<WorkforceOptions>()!.Playbooks;
    }

    private static string FindReadme()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "AiOs.Orleans.sln")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"README.md of the repository was not found above {AppContext.BaseDirectory}");
    }
}

public sealed class ReadmePlaybookTests
{
    [Fact]
    public void ReadmeExample_BindsAsConfiguration_ToTheWeeklyContentPlaybook_WithEveryField()
    {
        var playbook = Assert.Single(ReadmePlaybook.Playbooks());

        Assert.Equal(("weekly-content", "weekly post"), (playbook.Name, Assert.Single(playbook.Keywords)));
        Assert.Equal(["brief", "draft", "review", "publish"], playbook.Plan.Tasks.Select(t => t.Id));
        Assert.Equal(["writer", "writer", "support", "outreach"], playbook.Plan.Tasks.Select(t => t.Role));
        Assert.Equal(["review"], playbook.Plan.Tasks[3].DependsOn!);
        Assert.Equal(["webhook.post"], playbook.Plan.Tasks[3].Actions!);
        Assert.All(playbook.Plan.Tasks, t => Assert.False(string.IsNullOrWhiteSpace(t.Instructions)));
        var (plan, problems) = PlanValidator.Parse(WorkforceJson.Serialize(playbook.Plan), _ => true, 25);
        Assert.Empty(problems);
        Assert.NotNull(plan);
    }

    [Fact]
    public void PlaybookWithoutKeywords_FromEnvironmentStyleKeys_IsBound_NotSilentlyDropped()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AiOs:Workforce:Playbooks:0:Name"] = "ten-updates",
            ["AiOs:Workforce:Playbooks:0:Plan:Tasks:0:Id"] = "step1",
            ["AiOs:Workforce:Playbooks:0:Plan:Tasks:0:Role"] = "outreach",
            ["AiOs:Workforce:Playbooks:0:Plan:Tasks:0:Instructions"] = "Send update 1.",
            ["AiOs:Workforce:Playbooks:0:Plan:Tasks:0:Actions:0"] = "email.send",
        }).Build();

        var playbook = Assert.Single(configuration.GetSection(WorkforceOptions.SectionName).Get<WorkforceOptions>()!.Playbooks);

        Assert.Equal(("ten-updates", 0), (playbook.Name, playbook.Keywords.Count));
        Assert.Equal(["email.send"], Assert.Single(playbook.Plan.Tasks).Actions!);
    }
}

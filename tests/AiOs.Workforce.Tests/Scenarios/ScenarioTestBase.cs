using System.Text.Json.Nodes;
using AiOs.Runtime.Configuration;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Models;
using AiOs.Workforce.Tests.Models;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Scenarios;

/// <summary>Base of the end-to-end business scenarios: a silo on a test clock with the workforce and the real connectors
/// (SMTP to a real aiosmtpd server, signed webhooks to a real HTTP receiver), configured as an operator would configure
/// them; only the model is scripted, answering per role.</summary>
public abstract class ScenarioTestBase(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    protected const string WebhookSecret = "scenario-webhook-secret-0123456789";
    protected const string Sender = "me@company.example";

    // Monday 5 January 2026, 08:00 UTC.
    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero)) { FiresDueTimersAtOnce = true };

    protected SmtpServer Smtp { get; } = new();

    protected WebhookReceiver Webhook { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Smtp.InitializeAsync();
        Webhook = await WebhookReceiver.StartAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Webhook.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>Starts a silo with the workforce (<paramref name="workforce"/> adds playbooks and roles), the scripted
    /// <paramref name="model"/> on both tiers, and the connectors: email through SMTP, <c>webhook.post</c> signed to the
    /// receiver; <paramref name="settings"/> adds or overrides configuration, <paramref name="services"/> adds services.</summary>
    protected Task<TestSilo> StartAsync(string database, IChatClient model, Action<WorkforceOptions>? workforce = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AiOs:Connectors:Smtp:Host"] = "127.0.0.1",
            ["AiOs:Connectors:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AiOs:Connectors:Smtp:Tls"] = "None",
            ["AiOs:Connectors:Smtp:From"] = Sender,
            ["AiOs:Connectors:Webhook:Url"] = Webhook.Url.ToString(),
            ["AiOs:Connectors:Webhook:Secret"] = WebhookSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return StartSiloAsync(
            database,
            s =>
            {
                s.AddAiOsWorkforce(o =>
                {
                    o.MaxTaskAttempts = 1;
                    o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
                    workforce?.Invoke(o);
                });
                s.AddSingleton<IModelProviders>(new ScriptedModelProviders(model, model));
                s.AddAiOsConnectors(configuration);
                services?.Invoke(s);
            },
            Clock,
            // A test clock fires every periodic timer it passes: make the silo's housekeeping timers sparse, as days pass.
            s => s.Configure<GrainCallOptions>(o => o.TimeoutCheckInterval = TimeSpan.FromHours(1))
                .Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromDays(1))
                .Configure<ReminderOptions>(o => o.RefreshInterval = TimeSpan.FromDays(1)));
    }

    /// <summary>A model that answers as each role would, by the role named in its system message: <paramref name="answer"/>
    /// gets the role and the task's context (instructions, inputs, customer) and returns the output text;
    /// <paramref name="tools"/>, when given, may answer a role's call with a tool call instead (null: answer as usual).</summary>
    protected static ScriptedChatClient ModelAnswering(Func<string, JsonObject, string> answer, Func<string, IReadOnlyList<ChatMessage>, ChatResponse?>? tools = null) => new((messages, _) =>
    {
        var system = messages.First(m => m.Role == ChatRole.System).Text;
        var role = system["You are the ".Length..system.IndexOf(" of a one-person company", StringComparison.Ordinal)];
        if (tools?.Invoke(role, messages) is { } call)
        {
            return call;
        }

        var context = (JsonNode.Parse(messages.First(m => m.Role == ChatRole.User).Text) as JsonObject)!;
        var output = answer(role, context);
        return ScriptedChatClient.Text(new JsonObject { ["output"] = output, ["confidence"] = 0.95 }.ToJsonString());
    });

    protected static async Task<GoalStatus> WaitForAsync(TestSilo silo, string goalId, GoalPhase phase, Func<GoalStatus, bool>? also = null)
    {
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        GoalStatus? status = null;
        try
        {
            await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).Phase == phase && (also?.Invoke(status) ?? true), $"goal {goalId} reaches {phase}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} It is {status?.Phase}: {string.Join(" | ", status?.History ?? [])} ({status?.Escalation})", ex);
        }

        return status!;
    }

    // A re-armed reminder's timer must exist before the clock moves, or its tick would come a whole period late.
    protected async Task AdvanceWhenScheduledAsync(TestSilo silo, TimeSpan by)
    {
        await Eventually.WaitUntilAsync(() => silo.Runtime.ScheduledReminders.All(r => r.NextDue > Clock.GetUtcNow()), "the reminders are scheduled ahead");
        Clock.Advance(by);
    }
}

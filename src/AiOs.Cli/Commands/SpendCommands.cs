using System.CommandLine;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios spend</c> (what model calls cost, grouped by day, role, customer, goal or model) and
/// <c>aios budgets list|set</c>.</summary>
internal static class SpendCommands
{
    private static readonly string[] Scopes = ["goal", "role", "customer", "day"];

    public static Command Spend(CommandRunner runner)
    {
        var by = new Option<string>("--by") { Description = "Group by day, role, customer, goal or model", DefaultValueFactory = _ => "day" };
        by.AcceptOnlyFromAmong("day", "role", "customer", "goal", "model");
        var from = new Option<string?>("--from") { Description = "First day (yyyy-MM-dd, UTC); default 30 days before --to" };
        var to = new Option<string?>("--to") { Description = "Last day (yyyy-MM-dd, UTC), included; default today" };
        var goal = new Option<string?>("--goal") { Description = "Only this goal" };
        var role = new Option<string?>("--role") { Description = "Only this role" };
        var customer = new Option<string?>("--customer") { Description = "Only this customer" };
        var command = new Command("spend", "What model calls cost, grouped by day, role, customer, goal or model") { by, from, to, goal, role, customer };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new GetSpendRequest
            {
                GroupBy = parse.GetRequiredValue(by) switch
                {
                    "role" => SpendGrouping.Role,
                    "customer" => SpendGrouping.Customer,
                    "goal" => SpendGrouping.Goal,
                    "model" => SpendGrouping.Model,
                    _ => SpendGrouping.Day,
                },
                GoalId = parse.GetValue(goal) ?? "",
                Role = parse.GetValue(role) ?? "",
                CustomerId = parse.GetValue(customer) ?? "",
            };
            if (parse.GetValue(to) is { } last)
            {
                request.To = Timestamp.FromDateTimeOffset(Day(last, "--to").AddDays(1));
            }

            if (parse.GetValue(from) is { } first)
            {
                request.From = Timestamp.FromDateTimeOffset(Day(first, "--from"));
            }

            var spend = await client.GetSpendAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(spend, t =>
            {
                t.AddColumns(parse.GetRequiredValue(by), "amount", "calls", "input tokens", "output tokens");
                foreach (var row in spend.Rows)
                {
                    t.AddRow(row.Key.Length == 0 ? "(none)" : row.Key, Amount(row.Amount), Count(row.ModelCalls), Count(row.InputTokens), Count(row.OutputTokens));
                }

                t.AddRow("total", Amount(spend.Total), "", "", "");
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Budgets(CommandRunner runner)
    {
        var command = new Command("budgets", "Budgets: list them, set one (a goal paused by a budget resumes)");
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Set(runner));
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var scope = new Option<string?>("--scope") { Description = "Only goal, role, customer or day budgets" };
        scope.AcceptOnlyFromAmong(Scopes);
        var command = new Command("list", "Budgets, with what is spent and held against them today (a goal's over its life)") { scope };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListBudgetsRequest();
            if (parse.GetValue(scope) is { } only)
            {
                request.Scopes.Add(Scope(only));
            }

            var budgets = await client.ListBudgetsAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(budgets, t =>
            {
                t.AddColumns("scope", "subject", "limit", "spent", "reserved");
                foreach (var budget in budgets.Budgets)
                {
                    t.AddRow(Name(budget.Scope), budget.Subject, Amount(budget.Limit), Amount(budget.Spent), Amount(budget.Reserved));
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(CommandRunner runner)
    {
        var scope = new Argument<string>("scope") { Description = "goal, role, customer or day" };
        scope.AcceptOnlyFromAmong(Scopes);
        var rest = new Argument<string[]>("subject-and-amount")
        {
            Description = "The goal id, role or customer id (none for day), then the amount, e.g. 'goal g-1 0.50' or 'day 5'",
            Arity = new ArgumentArity(1, 2),
        };
        var command = new Command("set", "Set a budget; a goal paused by a budget resumes") { scope, rest };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var scopeName = parse.GetRequiredValue(scope);
            var values = parse.GetRequiredValue(rest);
            var (subject, amountText) = (scopeName, values.Length) switch
            {
                ("day", 1) => ("", values[0]),
                ("day", _) => throw new CliUsageException("a day budget takes no subject: aios budgets set day <amount>"),
                (_, 2) => (values[0], values[1]),
                _ => throw new CliUsageException($"a {scopeName} budget needs the {scopeName} and the amount: aios budgets set {scopeName} <{scopeName}> <amount>"),
            };
            if (!decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                throw new CliUsageException($"'{amountText}' is not an amount of 0 or more (e.g. 0.50)");
            }

            var budget = await client.SetBudgetAsync(new SetBudgetRequest
            {
                Scope = Scope(scopeName),
                Subject = subject,
                Limit = new Money { Micros = (long)Math.Round(amount * 1_000_000m, MidpointRounding.AwayFromZero) },
            }, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(budget, t => t.AddColumns("scope", "subject", "limit", "spent", "reserved")
                .AddRow(Name(budget.Scope), budget.Subject, Amount(budget.Limit), Amount(budget.Spent), Amount(budget.Reserved)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static DateTimeOffset Day(string text, string option) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day)
            ? day
            : throw new CliUsageException($"{option} must be a date as yyyy-MM-dd (got '{text}')");

    private static BudgetScope Scope(string name) => name switch
    {
        "goal" => BudgetScope.Goal,
        "role" => BudgetScope.Role,
        "customer" => BudgetScope.Customer,
        _ => BudgetScope.Day,
    };

    private static string Name(BudgetScope scope) => scope switch
    {
        BudgetScope.Goal => "goal",
        BudgetScope.Role => "role",
        BudgetScope.Customer => "customer",
        BudgetScope.Day => "day",
        _ => "?",
    };

    /// <summary>A goal's budget from <c>--budget</c> (an amount in the service's currency, e.g. 2.50), or null when none
    /// was given.</summary>
    internal static Money? GoalBudget(string? text) =>
        text is null ? null
        : decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? new Money { Micros = (long)Math.Round(amount * 1_000_000m, MidpointRounding.AwayFromZero) }
            : throw new CliUsageException($"--budget '{text}' is not an amount more than 0 (e.g. 2.50, in the service's currency)");

    internal const string BudgetDescription = "Most the goal may spend on model calls, in the service's currency (AiOs:Models:Currency), e.g. 2.50";

    /// <summary>An amount as the CLI shows money everywhere: up to six decimals, then the currency.</summary>
    internal static string Amount(Money? money) =>
        money is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{money.Micros / 1_000_000m:0.00####} {money.Currency}");

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using AiOs.Api.V1;
using AiOs.Client;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios leads add|get|list|update</c>.</summary>
internal static class LeadsCommands
{
    private static readonly string[] Statuses = ["new", "contacted", "qualified", "won", "lost"];

    public static Command Create(CommandRunner runner)
    {
        var command = new Command("leads", "Leads: add, get, list, update");
        command.Subcommands.Add(Add(runner));
        command.Subcommands.Add(Get(runner));
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Update(runner));
        return command;
    }

    private sealed class Fields
    {
        public Option<string?> Email { get; } = new("--email") { Description = "Email address" };

        public Option<string?> Company { get; } = new("--company") { Description = "Company" };

        public Option<string?> Source { get; } = new("--source") { Description = "Where the lead came from, e.g. referral" };

        public Option<string?> Status { get; } = StatusOption("new, contacted, qualified, won or lost");

        public Option<string?> Customer { get; } = new("--customer") { Description = "The customer the lead became (with --status won)" };

        public Option<string?> Notes { get; } = new("--notes") { Description = "Notes" };

        public void AddTo(Command command)
        {
            foreach (var option in new[] { Email, Company, Source, Status, Customer, Notes })
            {
                command.Options.Add(option);
            }
        }
    }

    private static Option<string?> StatusOption(string description)
    {
        var status = new Option<string?>("--status") { Description = description };
        status.AcceptOnlyFromAmong(Statuses);
        return status;
    }

    private static Command Add(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The lead's name" };
        var id = new Option<string?>("--id") { Description = "The id to give it (default: one the server picks)" };
        var fields = new Fields();
        var command = new Command("add", "Add a lead") { name, id };
        fields.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var lead = new Lead
            {
                LeadId = parse.GetValue(id) ?? "",
                Name = parse.GetRequiredValue(name),
                Email = parse.GetValue(fields.Email) ?? "",
                Company = parse.GetValue(fields.Company) ?? "",
                Source = parse.GetValue(fields.Source) ?? "",
                Status = parse.GetValue(fields.Status) is { } s ? ParseStatus(s) : LeadStatus.Unspecified,
                CustomerId = parse.GetValue(fields.Customer) ?? "",
                Notes = parse.GetValue(fields.Notes) ?? "",
            };
            Write(runner, await client.CreateLeadAsync(new CreateLeadRequest { Lead = lead }, new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = new Argument<string>("lead-id");
        var command = new Command("get", "Show a lead") { id };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            Write(runner, await client.GetLeadAsync(parse.GetRequiredValue(id), new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var query = new Option<string?>("--query", "-q") { Description = "Only leads whose name, company or email contains this" };
        var status = StatusOption("Only leads in this status");
        var paging = new Paging();
        var command = new Command("list", "List leads") { query, status };
        paging.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListLeadsRequest
            {
                Query = parse.GetValue(query) ?? "",
                PageSize = parse.GetValue(paging.PageSize),
                PageToken = parse.GetValue(paging.PageToken) ?? "",
            };
            if (parse.GetValue(status) is { } s)
            {
                request.Statuses.Add(ParseStatus(s));
            }

            var response = await client.ListLeadsAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(response, t =>
            {
                Columns(t);
                foreach (var lead in response.Leads)
                {
                    Row(t, lead);
                }
            });
            Paging.SayNext(runner, response.NextPageToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Update(CommandRunner runner)
    {
        var id = new Argument<string>("lead-id");
        var name = new Option<string?>("--name") { Description = "New name" };
        var fields = new Fields();
        var command = new Command("update", "Change the fields given (and only those)") { id, name };
        fields.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var lead = new Lead { LeadId = parse.GetRequiredValue(id) };
            var mask = new FieldMask();
            CustomersCommands.Set(parse, name, v => lead.Name = v, "name", mask);
            CustomersCommands.Set(parse, fields.Email, v => lead.Email = v, "email", mask);
            CustomersCommands.Set(parse, fields.Company, v => lead.Company = v, "company", mask);
            CustomersCommands.Set(parse, fields.Source, v => lead.Source = v, "source", mask);
            CustomersCommands.Set(parse, fields.Status, v => lead.Status = ParseStatus(v), "status", mask);
            CustomersCommands.Set(parse, fields.Customer, v => lead.CustomerId = v, "customer_id", mask);
            CustomersCommands.Set(parse, fields.Notes, v => lead.Notes = v, "notes", mask);
            if (mask.Paths.Count == 0)
            {
                throw new CliUsageException("nothing to change: give at least one of --name, --email, --company, --source, --status, --customer, --notes");
            }

            Write(runner, await client.UpdateLeadAsync(new UpdateLeadRequest { Lead = lead, UpdateMask = mask }, new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static LeadStatus ParseStatus(string status) => status switch
    {
        "new" => LeadStatus.New,
        "contacted" => LeadStatus.Contacted,
        "qualified" => LeadStatus.Qualified,
        "won" => LeadStatus.Won,
        _ => LeadStatus.Lost,
    };

    private static void Write(CommandRunner runner, Lead lead) => runner.Context.Write(lead, t =>
    {
        Columns(t);
        Row(t, lead);
    });

    private static void Columns(Table table) => table.AddColumns("lead", "name", "email", "company", "source", "status", "customer");

    private static void Row(Table table, Lead l) => table.AddRow(
        Markup.Escape(l.LeadId), Markup.Escape(l.Name), Markup.Escape(l.Email), Markup.Escape(l.Company), Markup.Escape(l.Source),
        l.Status.ToString().ToLowerInvariant(), Markup.Escape(l.CustomerId));
}

using System.CommandLine;
using AiOs.Api.V1;
using AiOs.Client;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios customers add|get|list|update</c>.</summary>
internal static class CustomersCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("customers", "Customers: add, get, list, update");
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

        public Option<string?> Tier { get; } = new("--tier") { Description = "Your grouping, e.g. standard or key-account" };

        public Option<string?> Notes { get; } = new("--notes") { Description = "Notes" };

        public void AddTo(Command command)
        {
            command.Options.Add(Email);
            command.Options.Add(Company);
            command.Options.Add(Tier);
            command.Options.Add(Notes);
        }
    }

    private static Command Add(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The customer's name" };
        var id = new Option<string?>("--id") { Description = "The id to give it (default: one the server picks)" };
        var fields = new Fields();
        var command = new Command("add", "Add a customer") { name, id };
        fields.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var customer = new Customer
            {
                CustomerId = parse.GetValue(id) ?? "",
                Name = parse.GetRequiredValue(name),
                Email = parse.GetValue(fields.Email) ?? "",
                Company = parse.GetValue(fields.Company) ?? "",
                Tier = parse.GetValue(fields.Tier) ?? "",
                Notes = parse.GetValue(fields.Notes) ?? "",
            };
            Write(runner, await client.CreateCustomerAsync(new CreateCustomerRequest { Customer = customer }, new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = new Argument<string>("customer-id");
        var command = new Command("get", "Show a customer") { id };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            Write(runner, await client.GetCustomerAsync(parse.GetRequiredValue(id), new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var query = new Option<string?>("--query", "-q") { Description = "Only customers whose name or company contains this" };
        var tier = new Option<string?>("--tier") { Description = "Only customers of this tier" };
        var paging = new Paging();
        var command = new Command("list", "List customers") { query, tier };
        paging.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListCustomersRequest
            {
                Query = parse.GetValue(query) ?? "",
                Tier = parse.GetValue(tier) ?? "",
                PageSize = parse.GetValue(paging.PageSize),
                PageToken = parse.GetValue(paging.PageToken) ?? "",
            };
            var response = await client.ListCustomersAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(response, t =>
            {
                Columns(t);
                foreach (var customer in response.Customers)
                {
                    Row(t, customer);
                }
            });
            Paging.SayNext(runner, response.NextPageToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Update(CommandRunner runner)
    {
        var id = new Argument<string>("customer-id");
        var name = new Option<string?>("--name") { Description = "New name" };
        var fields = new Fields();
        var command = new Command("update", "Change the fields given (and only those)") { id, name };
        fields.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var customer = new Customer { CustomerId = parse.GetRequiredValue(id) };
            var mask = new FieldMask();
            Set(parse, name, v => customer.Name = v, "name", mask);
            Set(parse, fields.Email, v => customer.Email = v, "email", mask);
            Set(parse, fields.Company, v => customer.Company = v, "company", mask);
            Set(parse, fields.Tier, v => customer.Tier = v, "tier", mask);
            Set(parse, fields.Notes, v => customer.Notes = v, "notes", mask);
            if (mask.Paths.Count == 0)
            {
                throw new CliUsageException("nothing to change: give at least one of --name, --email, --company, --tier, --notes");
            }

            Write(runner, await client.UpdateCustomerAsync(new UpdateCustomerRequest { Customer = customer, UpdateMask = mask }, new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Sets a field from an option that was given, and names it in the mask ("" clears it).</summary>
    internal static void Set(ParseResult parse, Option<string?> option, Action<string> set, string field, FieldMask mask)
    {
        if (parse.GetResult(option) is not null)
        {
            set(parse.GetValue(option) ?? "");
            mask.Paths.Add(field);
        }
    }

    private static void Write(CommandRunner runner, Customer customer) => runner.Context.Write(customer, t =>
    {
        Columns(t);
        Row(t, customer);
    });

    private static void Columns(Table table) => table.AddColumns("customer", "name", "email", "company", "tier", "projects", "leads");

    private static void Row(Table table, Customer c) => table.AddRow(
        Markup.Escape(c.CustomerId), Markup.Escape(c.Name), Markup.Escape(c.Email), Markup.Escape(c.Company), Markup.Escape(c.Tier),
        string.Join(' ', c.ProjectIds), string.Join(' ', c.LeadIds));
}

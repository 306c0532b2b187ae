using System.CommandLine;
using AiOs.Api.V1;
using AiOs.Client;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios projects add|get|list|update</c>.</summary>
internal static class ProjectsCommands
{
    private static readonly string[] Statuses = ["proposed", "active", "on-hold", "completed", "cancelled"];

    public static Command Create(CommandRunner runner)
    {
        var command = new Command("projects", "Projects: add, get, list, update");
        command.Subcommands.Add(Add(runner));
        command.Subcommands.Add(Get(runner));
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Update(runner));
        return command;
    }

    private static Option<string?> StatusOption(string description)
    {
        var status = new Option<string?>("--status") { Description = description };
        status.AcceptOnlyFromAmong(Statuses);
        return status;
    }

    private static Command Add(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The project's name" };
        var customer = new Option<string>("--customer") { Description = "The customer it is for", Required = true };
        var id = new Option<string?>("--id") { Description = "The id to give it (default: one the server picks)" };
        var description = new Option<string?>("--description") { Description = "What it is" };
        var status = StatusOption("proposed, active (default), on-hold, completed or cancelled");
        var command = new Command("add", "Add a project for a customer") { name, customer, id, description, status };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var project = new Project
            {
                ProjectId = parse.GetValue(id) ?? "",
                CustomerId = parse.GetRequiredValue(customer),
                Name = parse.GetRequiredValue(name),
                Description = parse.GetValue(description) ?? "",
                Status = parse.GetValue(status) is { } s ? ParseStatus(s) : ProjectStatus.Unspecified,
            };
            Write(runner, await client.CreateProjectAsync(new CreateProjectRequest { Project = project }, new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = new Argument<string>("project-id");
        var command = new Command("get", "Show a project") { id };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            Write(runner, await client.GetProjectAsync(parse.GetRequiredValue(id), new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var customer = new Option<string?>("--customer") { Description = "Only this customer's projects" };
        var status = StatusOption("Only projects in this status");
        var paging = new Paging();
        var command = new Command("list", "List projects") { customer, status };
        paging.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListProjectsRequest
            {
                CustomerId = parse.GetValue(customer) ?? "",
                PageSize = parse.GetValue(paging.PageSize),
                PageToken = parse.GetValue(paging.PageToken) ?? "",
            };
            if (parse.GetValue(status) is { } s)
            {
                request.Statuses.Add(ParseStatus(s));
            }

            var response = await client.ListProjectsAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(response, t =>
            {
                Columns(t);
                foreach (var project in response.Projects)
                {
                    Row(t, project);
                }
            });
            Paging.SayNext(runner, response.NextPageToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Update(CommandRunner runner)
    {
        var id = new Argument<string>("project-id");
        var name = new Option<string?>("--name") { Description = "New name" };
        var description = new Option<string?>("--description") { Description = "New description" };
        var status = StatusOption("New status");
        var command = new Command("update", "Change the fields given (and only those)") { id, name, description, status };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var project = new Project { ProjectId = parse.GetRequiredValue(id) };
            var mask = new FieldMask();
            CustomersCommands.Set(parse, name, v => project.Name = v, "name", mask);
            CustomersCommands.Set(parse, description, v => project.Description = v, "description", mask);
            CustomersCommands.Set(parse, status, v => project.Status = ParseStatus(v), "status", mask);
            if (mask.Paths.Count == 0)
            {
                throw new CliUsageException("nothing to change: give at least one of --name, --description, --status");
            }

            Write(runner, await client.UpdateProjectAsync(new UpdateProjectRequest { Project = project, UpdateMask = mask }, new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static ProjectStatus ParseStatus(string status) => status switch
    {
        "proposed" => ProjectStatus.Proposed,
        "active" => ProjectStatus.Active,
        "on-hold" => ProjectStatus.OnHold,
        "completed" => ProjectStatus.Completed,
        _ => ProjectStatus.Cancelled,
    };

    private static string Show(ProjectStatus status) => status switch
    {
        ProjectStatus.OnHold => "on-hold",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static void Write(CommandRunner runner, Project project) => runner.Context.Write(project, t =>
    {
        Columns(t);
        Row(t, project);
    });

    private static void Columns(Table table) => table.AddColumns("project", "customer", "name", "status", "description");

    private static void Row(Table table, Project p) => table.AddRow(
        Markup.Escape(p.ProjectId), Markup.Escape(p.CustomerId), Markup.Escape(p.Name), Show(p.Status), Markup.Escape(p.Description));
}

using AiOs.Api.V1;

namespace AiOs.Client;

// The typed methods, one per method of the contract that a front end or the CLI uses; grouped by service.
public sealed partial class AiOsClient
{
    private static readonly Methods M = new();

    /// <summary>aios.v1.Health/GetHealth (open).</summary>
    public Task<HealthStatus> GetHealthAsync(CallOptions options = default) =>
        Unary<GetHealthRequest, HealthStatus>(M.GetHealth, new GetHealthRequest(), options);

    /// <summary>aios.v1.Health/WatchHealth (open): the status now, then each change.</summary>
    public IAsyncEnumerable<HealthStatus> WatchHealth(CallOptions options = default) =>
        Stream<WatchHealthRequest, HealthStatus>(M.WatchHealth, new WatchHealthRequest(), options);

    /// <summary>aios.v1.Cluster/GetClusterStatus.</summary>
    public Task<ClusterStatus> GetClusterStatusAsync(CallOptions options = default) =>
        Unary<GetClusterStatusRequest, ClusterStatus>(M.GetClusterStatus, new GetClusterStatusRequest(), options);

    /// <summary>aios.v1.Cluster/ListSilos.</summary>
    public Task<ListSilosResponse> ListSilosAsync(CallOptions options = default) =>
        Unary<ListSilosRequest, ListSilosResponse>(M.ListSilos, new ListSilosRequest(), options);

    /// <summary>aios.v1.Cluster/GetCallStatistics.</summary>
    public Task<GetCallStatisticsResponse> GetCallStatisticsAsync(GetCallStatisticsRequest request, CallOptions options = default) =>
        Unary<GetCallStatisticsRequest, GetCallStatisticsResponse>(M.GetCallStatistics, request, options);

    /// <summary>aios.v1.Cluster/WatchClusterStats: a sample every interval until cancelled.</summary>
    public IAsyncEnumerable<ClusterStatsSample> WatchClusterStats(WatchClusterStatsRequest request, CallOptions options = default) =>
        Stream<WatchClusterStatsRequest, ClusterStatsSample>(M.WatchClusterStats, request, options);

    /// <summary>aios.v1.ApiKeys/CreateApiKey: the response holds the key's secret, shown only once.</summary>
    public Task<CreateApiKeyResponse> CreateApiKeyAsync(string name, ApiKeyScope scope, CallOptions options = default) =>
        Unary<CreateApiKeyRequest, CreateApiKeyResponse>(M.CreateApiKey, new CreateApiKeyRequest { Name = name, Scope = scope }, options);

    /// <summary>aios.v1.ApiKeys/ListApiKeys.</summary>
    public Task<ListApiKeysResponse> ListApiKeysAsync(bool includeRevoked = false, CallOptions options = default) =>
        Unary<ListApiKeysRequest, ListApiKeysResponse>(M.ListApiKeys, new ListApiKeysRequest { IncludeRevoked = includeRevoked }, options);

    /// <summary>aios.v1.ApiKeys/RevokeApiKey (idempotent).</summary>
    public Task<ApiKey> RevokeApiKeyAsync(string keyId, CallOptions options = default) =>
        Unary<RevokeApiKeyRequest, ApiKey>(M.RevokeApiKey, new RevokeApiKeyRequest { KeyId = keyId }, options);

    /// <summary>aios.v1.Goals/SubmitGoal. Set <see cref="SubmitGoalRequest.RequestId"/> to make a resubmission harmless.</summary>
    public Task<Goal> SubmitGoalAsync(SubmitGoalRequest request, CallOptions options = default) =>
        Unary<SubmitGoalRequest, Goal>(M.SubmitGoal, request, options);

    /// <summary>aios.v1.Goals/GetGoal.</summary>
    public Task<Goal> GetGoalAsync(string goalId, CallOptions options = default) =>
        Unary<GetGoalRequest, Goal>(M.GetGoal, new GetGoalRequest { GoalId = goalId }, options);

    /// <summary>aios.v1.Goals/ListGoals.</summary>
    public Task<ListGoalsResponse> ListGoalsAsync(ListGoalsRequest request, CallOptions options = default) =>
        Unary<ListGoalsRequest, ListGoalsResponse>(M.ListGoals, request, options);

    /// <summary>aios.v1.Goals/CancelGoal.</summary>
    public Task<Goal> CancelGoalAsync(string goalId, string reason, CallOptions options = default) =>
        Unary<CancelGoalRequest, Goal>(M.CancelGoal, new CancelGoalRequest { GoalId = goalId, Reason = reason }, options);

    /// <summary>aios.v1.Goals/WatchGoal: the goal now, then each change until it ends.</summary>
    public IAsyncEnumerable<GoalUpdate> WatchGoal(string goalId, CallOptions options = default) =>
        Stream<WatchGoalRequest, GoalUpdate>(M.WatchGoal, new WatchGoalRequest { GoalId = goalId }, options);

    /// <summary>aios.v1.Approvals/ListApprovals.</summary>
    public Task<ListApprovalsResponse> ListApprovalsAsync(ListApprovalsRequest request, CallOptions options = default) =>
        Unary<ListApprovalsRequest, ListApprovalsResponse>(M.ListApprovals, request, options);

    /// <summary>aios.v1.Approvals/GetApproval.</summary>
    public Task<Approval> GetApprovalAsync(string approvalId, CallOptions options = default) =>
        Unary<GetApprovalRequest, Approval>(M.GetApproval, new GetApprovalRequest { ApprovalId = approvalId }, options);

    /// <summary>aios.v1.Approvals/Approve.</summary>
    public Task<Approval> ApproveAsync(string approvalId, string comment = "", CallOptions options = default) =>
        Unary<ApproveRequest, Approval>(M.Approve, new ApproveRequest { ApprovalId = approvalId, Comment = comment }, options);

    /// <summary>aios.v1.Approvals/Reject.</summary>
    public Task<Approval> RejectAsync(string approvalId, string reason, CallOptions options = default) =>
        Unary<RejectRequest, Approval>(M.Reject, new RejectRequest { ApprovalId = approvalId, Reason = reason }, options);

    /// <summary>aios.v1.Approvals/EditAndApprove.</summary>
    public Task<Approval> EditAndApproveAsync(string approvalId, string editedPayloadJson, string comment = "", CallOptions options = default) =>
        Unary<EditAndApproveRequest, Approval>(M.EditAndApprove,
            new EditAndApproveRequest { ApprovalId = approvalId, EditedPayloadJson = editedPayloadJson, Comment = comment }, options);

    /// <summary>aios.v1.Tasks/GetTask (task ids read <c>&lt;goal id&gt;/&lt;task id&gt;</c>).</summary>
    public Task<GoalTask> GetTaskAsync(string taskId, CallOptions options = default) =>
        Unary<GetTaskRequest, GoalTask>(M.GetTask, new GetTaskRequest { TaskId = taskId }, options);

    /// <summary>aios.v1.Tasks/ListTasks.</summary>
    public Task<ListTasksResponse> ListTasksAsync(ListTasksRequest request, CallOptions options = default) =>
        Unary<ListTasksRequest, ListTasksResponse>(M.ListTasks, request, options);

    /// <summary>aios.v1.Customers/CreateCustomer (not idempotent: never retried).</summary>
    public Task<Customer> CreateCustomerAsync(CreateCustomerRequest request, CallOptions options = default) =>
        Unary<CreateCustomerRequest, Customer>(M.CreateCustomer, request, options);

    /// <summary>aios.v1.Customers/GetCustomer.</summary>
    public Task<Customer> GetCustomerAsync(string customerId, CallOptions options = default) =>
        Unary<GetCustomerRequest, Customer>(M.GetCustomer, new GetCustomerRequest { CustomerId = customerId }, options);

    /// <summary>aios.v1.Customers/ListCustomers.</summary>
    public Task<ListCustomersResponse> ListCustomersAsync(ListCustomersRequest request, CallOptions options = default) =>
        Unary<ListCustomersRequest, ListCustomersResponse>(M.ListCustomers, request, options);

    /// <summary>aios.v1.Customers/UpdateCustomer.</summary>
    public Task<Customer> UpdateCustomerAsync(UpdateCustomerRequest request, CallOptions options = default) =>
        Unary<UpdateCustomerRequest, Customer>(M.UpdateCustomer, request, options);

    /// <summary>aios.v1.Projects/CreateProject (not idempotent: never retried).</summary>
    public Task<Project> CreateProjectAsync(CreateProjectRequest request, CallOptions options = default) =>
        Unary<CreateProjectRequest, Project>(M.CreateProject, request, options);

    /// <summary>aios.v1.Projects/GetProject.</summary>
    public Task<Project> GetProjectAsync(string projectId, CallOptions options = default) =>
        Unary<GetProjectRequest, Project>(M.GetProject, new GetProjectRequest { ProjectId = projectId }, options);

    /// <summary>aios.v1.Projects/ListProjects.</summary>
    public Task<ListProjectsResponse> ListProjectsAsync(ListProjectsRequest request, CallOptions options = default) =>
        Unary<ListProjectsRequest, ListProjectsResponse>(M.ListProjects, request, options);

    /// <summary>aios.v1.Projects/UpdateProject.</summary>
    public Task<Project> UpdateProjectAsync(UpdateProjectRequest request, CallOptions options = default) =>
        Unary<UpdateProjectRequest, Project>(M.UpdateProject, request, options);

    /// <summary>aios.v1.Leads/CreateLead (not idempotent: never retried).</summary>
    public Task<Lead> CreateLeadAsync(CreateLeadRequest request, CallOptions options = default) =>
        Unary<CreateLeadRequest, Lead>(M.CreateLead, request, options);

    /// <summary>aios.v1.Leads/GetLead.</summary>
    public Task<Lead> GetLeadAsync(string leadId, CallOptions options = default) =>
        Unary<GetLeadRequest, Lead>(M.GetLead, new GetLeadRequest { LeadId = leadId }, options);

    /// <summary>aios.v1.Leads/ListLeads.</summary>
    public Task<ListLeadsResponse> ListLeadsAsync(ListLeadsRequest request, CallOptions options = default) =>
        Unary<ListLeadsRequest, ListLeadsResponse>(M.ListLeads, request, options);

    /// <summary>aios.v1.Leads/UpdateLead.</summary>
    public Task<Lead> UpdateLeadAsync(UpdateLeadRequest request, CallOptions options = default) =>
        Unary<UpdateLeadRequest, Lead>(M.UpdateLead, request, options);

    /// <summary>aios.v1.AgentRoles/ListAgentRoles.</summary>
    public Task<ListAgentRolesResponse> ListAgentRolesAsync(CallOptions options = default) =>
        Unary<ListAgentRolesRequest, ListAgentRolesResponse>(M.ListAgentRoles, new ListAgentRolesRequest(), options);

    /// <summary>aios.v1.AgentRoles/GetAgentRole.</summary>
    public Task<AgentRole> GetAgentRoleAsync(string name, CallOptions options = default) =>
        Unary<GetAgentRoleRequest, AgentRole>(M.GetAgentRole, new GetAgentRoleRequest { Name = name }, options);

    /// <summary>aios.v1.AgentRoles/DefineAgentRole (creates or replaces a role the operator defines).</summary>
    public Task<AgentRole> DefineAgentRoleAsync(AgentRole role, CallOptions options = default) =>
        Unary<DefineAgentRoleRequest, AgentRole>(M.DefineAgentRole, new DefineAgentRoleRequest { Role = role }, options);

    /// <summary>aios.v1.AgentRoles/GetAgentRoleStats.</summary>
    public Task<AgentRoleStats> GetAgentRoleStatsAsync(string name, CallOptions options = default) =>
        Unary<GetAgentRoleStatsRequest, AgentRoleStats>(M.GetAgentRoleStats, new GetAgentRoleStatsRequest { Name = name }, options);

    /// <summary>aios.v1.Events/QueryEvents.</summary>
    public Task<QueryEventsResponse> QueryEventsAsync(QueryEventsRequest request, CallOptions options = default) =>
        Unary<QueryEventsRequest, QueryEventsResponse>(M.QueryEvents, request, options);

    /// <summary>aios.v1.Events/WatchEvents: replay, then live events until cancelled.</summary>
    public IAsyncEnumerable<Event> WatchEvents(WatchEventsRequest request, CallOptions options = default) =>
        Stream<WatchEventsRequest, Event>(M.WatchEvents, request, options);

    /// <summary>aios.v1.Spend/GetSpend: spend in a time range, grouped by one key.</summary>
    public Task<GetSpendResponse> GetSpendAsync(GetSpendRequest request, CallOptions options = default) =>
        Unary<GetSpendRequest, GetSpendResponse>(M.GetSpend, request, options);

    /// <summary>aios.v1.Spend/ListBudgets.</summary>
    public Task<ListBudgetsResponse> ListBudgetsAsync(ListBudgetsRequest request, CallOptions options = default) =>
        Unary<ListBudgetsRequest, ListBudgetsResponse>(M.ListBudgets, request, options);

    /// <summary>aios.v1.Spend/SetBudget (idempotent): a goal paused on a budget resumes.</summary>
    public Task<Budget> SetBudgetAsync(SetBudgetRequest request, CallOptions options = default) =>
        Unary<SetBudgetRequest, Budget>(M.SetBudget, request, options);
    /// <summary>aios.v1.Memory/SearchMemory.</summary>
    public Task<SearchMemoryResponse> SearchMemoryAsync(SearchMemoryRequest request, CallOptions options = default) =>
        Unary<SearchMemoryRequest, SearchMemoryResponse>(M.SearchMemory, request, options);

    /// <summary>aios.v1.Memory/AddMemory (idempotent by request_id).</summary>
    public Task<MemoryItem> AddMemoryAsync(AddMemoryRequest request, CallOptions options = default) =>
        Unary<AddMemoryRequest, MemoryItem>(M.AddMemory, request, options);

    /// <summary>aios.v1.Memory/ForgetMemory.</summary>
    public Task<ForgetReport> ForgetMemoryAsync(ForgetMemoryRequest request, CallOptions options = default) =>
        Unary<ForgetMemoryRequest, ForgetReport>(M.ForgetMemory, request, options);

    /// <summary>aios.v1.Memory/ExportMemory: the snapshot's records, in order.</summary>
    public IAsyncEnumerable<ExportRecord> ExportMemory(ExportMemoryRequest request, CallOptions options = default) =>
        Stream<ExportMemoryRequest, ExportRecord>(M.ExportMemory, request, options);

    /// <summary>aios.v1.Memory/ImportMemory: sends a snapshot's records as they are enumerated; the server checks them all
    /// before storing any. Not retried (the records are not sent twice); importing the same snapshot again is harmless.</summary>
    public Task<ImportReport> ImportMemoryAsync(IAsyncEnumerable<ExportRecord> records, CallOptions options = default) =>
        _invoker.ClientStreamingAsync<ExportRecord, ImportReport>(M.ImportMemory, records, options);

    // Looked up once: a method missing from the contract fails at first use of the client, not mid-call.
    private sealed class Methods
    {
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetHealth = Method(HealthReflection.Descriptor, "GetHealth");
        public readonly Google.Protobuf.Reflection.MethodDescriptor WatchHealth = Method(HealthReflection.Descriptor, "WatchHealth");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetClusterStatus = Method(ClusterReflection.Descriptor, "GetClusterStatus");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListSilos = Method(ClusterReflection.Descriptor, "ListSilos");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetCallStatistics = Method(ClusterReflection.Descriptor, "GetCallStatistics");
        public readonly Google.Protobuf.Reflection.MethodDescriptor WatchClusterStats = Method(ClusterReflection.Descriptor, "WatchClusterStats");
        public readonly Google.Protobuf.Reflection.MethodDescriptor CreateApiKey = Method(ApiKeysReflection.Descriptor, "CreateApiKey");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListApiKeys = Method(ApiKeysReflection.Descriptor, "ListApiKeys");
        public readonly Google.Protobuf.Reflection.MethodDescriptor RevokeApiKey = Method(ApiKeysReflection.Descriptor, "RevokeApiKey");
        public readonly Google.Protobuf.Reflection.MethodDescriptor SubmitGoal = Method(GoalsReflection.Descriptor, "SubmitGoal");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetGoal = Method(GoalsReflection.Descriptor, "GetGoal");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListGoals = Method(GoalsReflection.Descriptor, "ListGoals");
        public readonly Google.Protobuf.Reflection.MethodDescriptor CancelGoal = Method(GoalsReflection.Descriptor, "CancelGoal");
        public readonly Google.Protobuf.Reflection.MethodDescriptor WatchGoal = Method(GoalsReflection.Descriptor, "WatchGoal");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListApprovals = Method(ApprovalsReflection.Descriptor, "ListApprovals");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetApproval = Method(ApprovalsReflection.Descriptor, "GetApproval");
        public readonly Google.Protobuf.Reflection.MethodDescriptor Approve = Method(ApprovalsReflection.Descriptor, "Approve");
        public readonly Google.Protobuf.Reflection.MethodDescriptor Reject = Method(ApprovalsReflection.Descriptor, "Reject");
        public readonly Google.Protobuf.Reflection.MethodDescriptor EditAndApprove = Method(ApprovalsReflection.Descriptor, "EditAndApprove");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetTask = Method(TasksReflection.Descriptor, "GetTask");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListTasks = Method(TasksReflection.Descriptor, "ListTasks");
        public readonly Google.Protobuf.Reflection.MethodDescriptor CreateCustomer = Method(EntitiesReflection.Descriptor, "Customers", "CreateCustomer");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetCustomer = Method(EntitiesReflection.Descriptor, "Customers", "GetCustomer");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListCustomers = Method(EntitiesReflection.Descriptor, "Customers", "ListCustomers");
        public readonly Google.Protobuf.Reflection.MethodDescriptor UpdateCustomer = Method(EntitiesReflection.Descriptor, "Customers", "UpdateCustomer");
        public readonly Google.Protobuf.Reflection.MethodDescriptor CreateProject = Method(EntitiesReflection.Descriptor, "Projects", "CreateProject");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetProject = Method(EntitiesReflection.Descriptor, "Projects", "GetProject");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListProjects = Method(EntitiesReflection.Descriptor, "Projects", "ListProjects");
        public readonly Google.Protobuf.Reflection.MethodDescriptor UpdateProject = Method(EntitiesReflection.Descriptor, "Projects", "UpdateProject");
        public readonly Google.Protobuf.Reflection.MethodDescriptor CreateLead = Method(EntitiesReflection.Descriptor, "Leads", "CreateLead");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetLead = Method(EntitiesReflection.Descriptor, "Leads", "GetLead");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListLeads = Method(EntitiesReflection.Descriptor, "Leads", "ListLeads");
        public readonly Google.Protobuf.Reflection.MethodDescriptor UpdateLead = Method(EntitiesReflection.Descriptor, "Leads", "UpdateLead");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListAgentRoles = Method(AgentRolesReflection.Descriptor, "ListAgentRoles");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetAgentRole = Method(AgentRolesReflection.Descriptor, "GetAgentRole");
        public readonly Google.Protobuf.Reflection.MethodDescriptor DefineAgentRole = Method(AgentRolesReflection.Descriptor, "DefineAgentRole");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetAgentRoleStats = Method(AgentRolesReflection.Descriptor, "GetAgentRoleStats");
        public readonly Google.Protobuf.Reflection.MethodDescriptor QueryEvents = Method(EventsReflection.Descriptor, "QueryEvents");
        public readonly Google.Protobuf.Reflection.MethodDescriptor WatchEvents = Method(EventsReflection.Descriptor, "WatchEvents");
        public readonly Google.Protobuf.Reflection.MethodDescriptor GetSpend = Method(SpendReflection.Descriptor, "GetSpend");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ListBudgets = Method(SpendReflection.Descriptor, "ListBudgets");
        public readonly Google.Protobuf.Reflection.MethodDescriptor SetBudget = Method(SpendReflection.Descriptor, "SetBudget");
        public readonly Google.Protobuf.Reflection.MethodDescriptor SearchMemory = Method(MemoryReflection.Descriptor, "SearchMemory");
        public readonly Google.Protobuf.Reflection.MethodDescriptor AddMemory = Method(MemoryReflection.Descriptor, "AddMemory");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ForgetMemory = Method(MemoryReflection.Descriptor, "ForgetMemory");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ExportMemory = Method(MemoryReflection.Descriptor, "ExportMemory");
        public readonly Google.Protobuf.Reflection.MethodDescriptor ImportMemory = Method(MemoryReflection.Descriptor, "ImportMemory");
    }
}

using AiOs.Cli;

return await AiOsCli.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable);

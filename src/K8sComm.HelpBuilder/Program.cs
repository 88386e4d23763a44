// dotnet run --project src/K8sComm.HelpBuilder -- [--check] <docs-culture-dir> <output-xml>
return K8sComm.HelpBuilder.HelpBuilderCli.Run(args, Console.Out, Console.Error);

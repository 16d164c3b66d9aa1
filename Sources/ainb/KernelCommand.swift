import ArgumentParser
import CReadline
import Foundation
import Kernel

/// `ainb kernel -f CONNECTION_FILE` and `ainb kernel install`: ainb in Jupyter.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Serve a Jupyter kernel (Jupyter starts it), or install its kernel spec.",
        discussion: """
        `ainb kernel install --user` lets Jupyter, JupyterLab and VS Code list "ainb" as a \
        kernel; they then start `ainb kernel -f CONNECTION_FILE`, one session per kernel, \
        as the REPL has. The kernel speaks ZeroMQ's wire protocol itself (no libzmq needed) \
        on the connection file's loopback ports.

        Examples:
          ainb kernel install --user
          jupyter lab          # then pick the ainb kernel
          ainb convert notebooks/02-gradient-descent.ainb --to ipynb
          jupyter nbconvert --to notebook --execute notebooks/02-gradient-descent.ipynb
        """,
        subcommands: [KernelInstall.self])

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote.", valueName: "file"))
    var connectionFile: String?

    func run() throws {
        guard let connectionFile else {
            throw ValidationError("give the connection file with -f FILE (Jupyter does), or use `ainb kernel install`")
        }
        let info = try ConnectionInfo.read(connectionFile)
        let kernel = JupyterKernel(connection: info, evaluator: try makeEvaluator(), version: AINB.version)
        try kernel.bind()
        ainb_install_sigint_handler()
        kernel.takeInterrupts = { Int(ainb_take_interrupts()) }
        let parent = getppid()
        kernel.parentAlive = { getppid() == parent }
        kernel.run()
        // A cell may still be running on the execution thread: leave without waiting.
        Foundation.exit(0)
    }
}

/// `ainb kernel install [--user | --prefix DIR]`
struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write the ainb kernel spec where Jupyter looks for kernels.",
        discussion: """
        Writes kernels/ainb/kernel.json (argv: ainb kernel -f {connection_file}) and two logos \
        into Jupyter's data folder: with --user, ~/.local/share/jupyter (macOS: \
        ~/Library/Jupyter); with --prefix DIR, DIR/share/jupyter (a virtualenv's prefix); \
        otherwise the system folder /usr/local/share/jupyter. `ainb` must be on the PATH.
        """)

    @Flag(help: "Install for the current user.")
    var user = false

    @Option(help: ArgumentHelp("Install under this prefix: DIR/share/jupyter/kernels/ainb.", valueName: "dir"))
    var prefix: String?

    func validate() throws {
        if user && prefix != nil { throw ValidationError("give --user or --prefix, not both") }
    }

    func run() throws {
        let data: String
        if let prefix {
            data = (prefix.expandingTilde as NSString).appendingPathComponent("share/jupyter")
        } else if user {
            #if os(macOS)
            data = ("~/Library/Jupyter" as NSString).expandingTildeInPath
            #else
            let xdg = ProcessInfo.processInfo.environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            data = ((xdg ?? ("~/.local/share" as NSString).expandingTildeInPath) as NSString).appendingPathComponent("jupyter")
            #endif
        } else {
            data = "/usr/local/share/jupyter"
        }
        let folder = KernelSpec.folder(inDataDirectory: data)
        do {
            try KernelSpec.install(into: folder)
        } catch {
            throw CLIError("cannot install the kernel spec into \(folder): \(error)")
        }
        writeOut("installed the ainb kernel spec in \(folder)\n")
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        if !path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/ainb") }) {
            writeErr("note: `ainb` is not on the PATH; Jupyter starts the kernel as `ainb kernel -f FILE`, so add its folder to the PATH\n")
        }
    }
}

import Testing
@testable import NotebookRunner

@Suite("The notebook runner's Markdown handling")
struct NotebookRunnerTests {
    static let markdown = """
    # Title

    Prose with `code`.

    ```swift
    let x = 1
    print(x)
    ```

    ```text
    old output
    ```

    ![old picture](images/old.svg)

    More prose.

    ```python
    print("not a cell")
    ```

    ```swift
    print("no output yet")
    ```
    The end.
    """

    @Test func cellsAndTheirOutputsAreFoundAndOtherFencesStayProse() throws {
        let notebook = try Notebook(markdown: Self.markdown)
        #expect(notebook.cells == [["let x = 1", "print(x)"], ["print(\"no output yet\")"]])
        #expect(notebook.outputs == [CellOutput(text: ["old output"], images: ["![old picture](images/old.svg)"]),
                                     CellOutput(text: [], images: [])])
        #expect(notebook.markdown == Self.markdown)  // reading and writing back changes nothing
    }

    @Test func aRunReplacesOnlyTheOutputRegions() throws {
        let notebook = try Notebook(markdown: Self.markdown)
        let updated = notebook.replacingOutputs(with: [
            CellOutput(printed: ["1", "![new](images/new.svg)"]),
            CellOutput(printed: ["no output yet"]),
        ]).markdown
        #expect(updated == """
        # Title

        Prose with `code`.

        ```swift
        let x = 1
        print(x)
        ```

        ```text
        1
        ```

        ![new](images/new.svg)

        More prose.

        ```python
        print("not a cell")
        ```

        ```swift
        print("no output yet")
        ```

        ```text
        no output yet
        ```
        The end.
        """)
        // A second run with the same outputs is a fixed point.
        let again = try Notebook(markdown: updated)
        #expect(again.replacingOutputs(with: again.outputs).markdown == updated)
    }

    @Test func printedBackticksGetALongerFence() {
        let output = CellOutput(printed: ["```swift", "code"])
        #expect(output.markdownLines == ["", "````text", "```swift", "code", "````"])
    }

    @Test func timingLinesAreLeftOutOfTheComparison() {
        let output = CellOutput(printed: ["loss 0.25", "epoch took 3.1 s # time"])
        #expect(output.comparableLines == ["loss 0.25"])
    }

    @Test func anUnclosedFenceIsAnError() {
        #expect(throws: NotebookError.self) { try Notebook(markdown: "text\n```swift\nlet x = 1\n") }
    }

    @Test func theProgramsOutputIsCutAtTheMarkers() {
        let source = NotebookProgram.source(cells: [["print(1)"], ["print(2)"]], notebookName: "test.md")
        #expect(source.contains("#sourceLocation(file: \"test.md cell 2\", line: 1)\nprint(2)"))
        let printed = [NotebookProgram.marker(0), "a", NotebookProgram.marker(1), "b", "c", NotebookProgram.marker(2)]
            .joined(separator: "\n") + "\n"
        let (cells, finished) = NotebookProgram.split(output: printed, cellCount: 2)
        #expect(cells == [["a"], ["b", "c"]])
        #expect(finished == 2)
        // A crash in the second cell: its marker was printed, the final one was not.
        let crashed = NotebookProgram.split(output: [NotebookProgram.marker(0), "a", NotebookProgram.marker(1)].joined(separator: "\n"),
                                            cellCount: 2)
        #expect(crashed.finished == 1)
    }
}

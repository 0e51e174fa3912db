import Foundation

extension CompositeLayout {
    /// Tiles for what is visible: the screen large with a camera column while
    /// someone shares, else a grid.
    func arrangeTiles(_ state: VisibleState) -> [Tile] {
        if let screen = state.screen {
            return screenShareTiles(screen: screen, people: state.people)
        }
        return gridTiles(state.people)
    }

    /// Columns and rows for `count` tiles: 1, 2 side by side, then the smallest
    /// square grid that holds them (2x2, 3x3, 4x4), dropping rows left empty so
    /// the tiles stay as large as the canvas allows.
    static func gridShape(count: Int) -> (columns: Int, rows: Int) {
        guard count > 2 else { return (max(count, 1), 1) }
        var columns = 1
        while columns * columns < count { columns += 1 }
        return (columns, (count + columns - 1) / columns)
    }

    func gridTiles(_ people: [VisibleState.Person]) -> [Tile] {
        let shown = Array(people.prefix(Self.maximumGridTiles))
        guard !shown.isEmpty else { return [] }
        let (columns, rows) = Self.gridShape(count: shown.count)
        let cellWidth = width / columns
        let cellHeight = height / rows
        let top = (height - rows * cellHeight) / 2
        var tiles: [Tile] = []
        for (index, person) in shown.enumerated() {
            let row = index / columns
            let column = index % columns
            // A short last row is centred rather than left-aligned.
            let inRow = min(columns, shown.count - row * columns)
            let left = (width - inRow * cellWidth) / 2
            let cell = Rect(x: left + column * cellWidth, y: top + row * cellHeight, width: cellWidth, height: cellHeight)
            tiles.append(tile(for: person, in: cell))
        }
        return tiles
    }

    func screenShareTiles(screen: VisibleState.Screen, people: [VisibleState.Person]) -> [Tile] {
        let screenWidth = Int(Double(width) * Self.screenShareWidthFraction) & ~1
        let columnWidth = width - screenWidth
        var tiles = [Tile(
            participantID: screen.ownerID,
            displayName: screen.ownerName,
            isPhone: false,
            content: .screen(trackID: screen.trackID),
            frame: Self.inset(Rect(x: 0, y: 0, width: screenWidth, height: height))
        )]
        // 16:9 camera cells, as many as the column holds, centred vertically.
        let cellHeight = max(2, columnWidth * 9 / 16)
        let fitting = columnWidth >= 2 * Self.tileInset + 2 ? height / cellHeight : 0
        let shown = people.prefix(fitting)
        let top = (height - shown.count * cellHeight) / 2
        for (index, person) in shown.enumerated() {
            let cell = Rect(x: screenWidth, y: top + index * cellHeight, width: columnWidth, height: cellHeight)
            tiles.append(tile(for: person, in: cell))
        }
        return tiles
    }

    func tile(for person: VisibleState.Person, in cell: Rect) -> Tile {
        Tile(
            participantID: person.id,
            displayName: person.name,
            isPhone: person.isPhone,
            content: person.cameraTrackID.map { .camera(trackID: $0) } ?? .name,
            frame: Self.inset(cell)
        )
    }

    /// `cell` shrunk by the tile gap, with even origin and size (4:2:0 chroma
    /// covers 2x2 pixels; odd edges would smear a tile's border colour). Cells
    /// of one size give tiles of one size.
    static func inset(_ cell: Rect) -> Rect {
        let width = max(2, (cell.width - 2 * tileInset) & ~1)
        let height = max(2, (cell.height - 2 * tileInset) & ~1)
        let x = (cell.x + (cell.width - width) / 2) & ~1
        let y = (cell.y + (cell.height - height) / 2) & ~1
        return Rect(x: x, y: y, width: width, height: height)
    }
}

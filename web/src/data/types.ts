// O5: the answers of the import routes (src/http/routes/data.ts).
export interface RowError {
  /** the spreadsheet's row number (the header is row 1); null for the file as a whole */
  row: number | null;
  column: string | null;
  message: string;
}

export interface ImportPackagePreview {
  rows: number[];
  ref: string | null;
  customerName: string;
  customerEmail: string | null;
  customerPhone: string | null;
  newCustomer: boolean;
  name: string;
  templateName: string | null;
  locationName: string;
  currency: string;
  priceMinor: number;
  purchasedOn: string;
  expiresOn: string | null;
  status: "create" | "already_imported";
  lines: Array<{ itemName: string; total: number; used: number }>;
}

export interface ImportReport {
  dryRun: boolean;
  imported: boolean;
  importId: string | null;
  fileName: string | null;
  rows: number;
  errorCount: number;
  errors: RowError[];
  summary: {
    packages: number;
    toCreate: number;
    alreadyImported: number;
    lines: number;
    customersNew: number;
    customersExisting: number;
    byCurrency: Array<{
      currency: string;
      packages: number;
      pricePaidMinor: number;
      owedCredits: number;
      owedMinor: number;
    }>;
  };
  packages: ImportPackagePreview[];
}
